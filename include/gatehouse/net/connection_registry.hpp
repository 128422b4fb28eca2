#pragma once
// Knows every open connection so that shutdown can be graceful: idle keep-alive connections
// are closed at once, busy ones finish their response first, and the server stops when the
// last one is gone (or a deadline passes). A connection is counted for as long as its
// Registration lives, which a stream session takes over on an upgrade.
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace gatehouse::net {

class ConnectionRegistry {
 public:
  class Registration {
   public:
    Registration() = default;
    Registration(ConnectionRegistry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
    Registration(Registration&& other) noexcept : registry_(other.registry_), id_(other.id_) { other.registry_ = nullptr; }
    Registration& operator=(Registration&& other) noexcept;
    Registration(Registration const&) = delete;
    Registration& operator=(Registration const&) = delete;
    ~Registration();

   private:
    ConnectionRegistry* registry_ = nullptr;
    std::uint64_t id_ = 0;
  };

  // close_if_idle is called (from any thread) once shutdown begins; it must hop to the
  // connection's own executor.
  [[nodiscard]] Registration add(std::function<void()> close_if_idle);

  // Starts shutdown: tells every connection; on_empty runs once no connection is left.
  void shutdown(std::function<void()> on_empty);
  bool shutting_down() const { return shutting_down_.load(); }
  std::size_t active() const;

 private:
  void remove(std::uint64_t id);

  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::function<void()>> connections_;
  std::atomic<bool> shutting_down_{false};
  std::function<void()> on_empty_;
};

}  // namespace gatehouse::net
