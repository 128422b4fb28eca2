#pragma once
// Stream activity keeps a session alive: connecting and each heartbeat move its expiry to
// now + TTL. The registry changes at once (so the next check sees it); the database follows in
// one batched write per second, however many streams extend however many sessions.
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/store/db_executor.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gatehouse::auth {

class SessionExtender {
 public:
  SessionExtender(store::DbExecutor& db, UnixSeconds ttl) : db_(db), ttl_(ttl) {}

  // Never shortens; a revoked session is left alone.
  void extend(Session& session, UnixSeconds now);

  // Writes pending extensions every interval until stopping, then once more.
  boost::asio::awaitable<void> run(std::atomic<bool> const& stopping);
  // Writes pending extensions now.
  boost::asio::awaitable<void> flush();
  // The same from a thread that is not a network thread (shutdown, after the network stopped).
  void flush_blocking();

 private:
  store::DbExecutor& db_;
  UnixSeconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, UnixSeconds> pending_;

  std::unordered_map<std::string, UnixSeconds> take_pending();
  void restore_pending(std::unordered_map<std::string, UnixSeconds> const& batch);
  static void write_batch(store::Tx& tx, std::unordered_map<std::string, UnixSeconds> const& batch);
};

}  // namespace gatehouse::auth
