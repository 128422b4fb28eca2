#include "gatehouse/streams/stream_registry.hpp"

#include <vector>

namespace gatehouse::streams {

StreamRegistry::Registration StreamRegistry::add(std::vector<std::string> credential_ids,
                                                 std::shared_ptr<Outbox> const& outbox, Kind kind) {
  CloseReason closed = CloseReason::none;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    for (auto const& credential : credential_ids) by_credential_.emplace(credential, id);
    streams_.emplace(id, Entry{std::move(credential_ids), outbox, kind});
    ++counts_[static_cast<int>(kind)];
    closed = closed_;
  }
  if (closed != CloseReason::none) outbox->close(closed);
  return Registration(this, id);
}

void StreamRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  for (auto const& credential : it->second.credential_ids) {
    auto [first, last] = by_credential_.equal_range(credential);
    for (auto s = first; s != last; ++s) {
      if (s->second == id) {
        by_credential_.erase(s);
        break;
      }
    }
  }
  --counts_[static_cast<int>(it->second.kind)];
  streams_.erase(it);
}

void StreamRegistry::close_credential(std::string const& credential_id, CloseReason reason) {
  std::vector<std::shared_ptr<Outbox>> targets;
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = by_credential_.equal_range(credential_id);
    for (auto s = first; s != last; ++s) {
      if (auto outbox = streams_.at(s->second).outbox.lock()) targets.push_back(std::move(outbox));
    }
  }
  for (auto const& outbox : targets) outbox->close(reason);
}

void StreamRegistry::close_all(CloseReason reason) {
  {
    std::lock_guard lock(mutex_);
    if (closed_ == CloseReason::none) closed_ = reason;
  }
  // A stream registering from here on is closed by add(); those already in are closed here.
  close_open(reason);
}

void StreamRegistry::close_open(CloseReason reason) {
  std::vector<std::shared_ptr<Outbox>> targets;
  {
    std::lock_guard lock(mutex_);
    for (auto const& [id, entry] : streams_) {
      if (auto outbox = entry.outbox.lock()) targets.push_back(std::move(outbox));
    }
  }
  for (auto const& outbox : targets) outbox->close(reason);
}

std::size_t StreamRegistry::count(Kind kind) const {
  std::lock_guard lock(mutex_);
  return counts_[static_cast<int>(kind)];
}

}  // namespace gatehouse::streams
