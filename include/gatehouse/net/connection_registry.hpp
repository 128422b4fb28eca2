#pragma once
// Knows every open connection so that shutdown can be graceful: idle keep-alive connections
// are closed at once, busy ones finish their response first, and the server stops when the
// last one is gone (or a deadline passes). A connection is counted for as long as its
// Registration lives, which a stream session takes over on an upgrade.
#include "gatehouse/util/registration.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace gatehouse::net {

class ConnectionRegistry {
 public:
  using Registration = gatehouse::Registration<ConnectionRegistry>;

  // close_if_idle is called (from any thread) once shutdown begins; it must hop to the
  // connection's own executor.
  [[nodiscard]] Registration add(std::function<void()> close_if_idle);

  // Starts shutdown: tells every connection; on_empty runs once no connection is left.
  void shutdown(std::function<void()> on_empty);
  bool shutting_down() const { return shutting_down_.load(); }
  std::size_t active() const;

 private:
  friend class gatehouse::Registration<ConnectionRegistry>;
  void remove(std::uint64_t id);

  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::function<void()>> connections_;
  std::atomic<bool> shutting_down_{false};
  std::function<void()> on_empty_;
};

}  // namespace gatehouse::net
