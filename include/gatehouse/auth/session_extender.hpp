#pragma once
// Stream activity keeps a session alive: connecting and each heartbeat move its expiry to
// now + TTL. The registry changes at once (so the next check sees it); the database follows in
// one batched write per second, however many streams extend however many sessions.
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/store/write_behind.hpp"

namespace gatehouse::auth {

class SessionExtender {
 public:
  // also: runs in each batch's transaction after the rows are written (with several nodes, the
  // change that tells the others).
  using BatchHook = std::function<void(store::Tx&, store::WriteBehind::Batch const&)>;
  SessionExtender(store::DbExecutor& db, UnixSeconds ttl, BatchHook also = {});

  // Never shortens; a revoked session is left alone.
  void extend(Session& session, UnixSeconds now);

  // Writes pending extensions every second until stopping.
  boost::asio::awaitable<void> run(std::atomic<bool> const& stopping) { return writes_.run(stopping); }
  boost::asio::awaitable<void> flush() { return writes_.flush(); }
  void flush_blocking() { writes_.flush_blocking(); }

 private:
  UnixSeconds ttl_;
  store::WriteBehind writes_;
};

}  // namespace gatehouse::auth
