#include "gatehouse/net/connection_registry.hpp"

#include <vector>

namespace gatehouse::net {

ConnectionRegistry::Registration ConnectionRegistry::add(std::function<void()> close_if_idle) {
  std::unique_lock lock(mutex_);
  std::uint64_t const id = next_id_++;
  connections_.emplace(id, close_if_idle);
  if (shutting_down()) {
    lock.unlock();
    close_if_idle();  // accepted in the race with shutdown: close it straight away
  }
  return Registration(this, id);
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::function<void()> on_empty;
  {
    std::lock_guard lock(mutex_);
    connections_.erase(id);
    if (shutting_down() && connections_.empty()) on_empty = std::move(on_empty_);
  }
  if (on_empty) on_empty();
}

void ConnectionRegistry::shutdown(std::function<void()> on_empty) {
  std::vector<std::function<void()>> closers;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    if (connections_.empty()) {
      // fall through to call on_empty outside the lock
    } else {
      on_empty_ = std::move(on_empty);
      for (auto const& [id, close] : connections_) closers.push_back(close);
    }
  }
  if (closers.empty() && on_empty) on_empty();
  for (auto const& close : closers) close();
}

std::size_t ConnectionRegistry::active() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

}  // namespace gatehouse::net
