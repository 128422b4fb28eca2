#include "gatehouse/auth/session_extender.hpp"

#include "gatehouse/store/session_store.hpp"

namespace gatehouse::auth {

SessionExtender::SessionExtender(store::DbExecutor& db, UnixSeconds ttl, BatchHook also)
    : ttl_(ttl),
      writes_(db, "session extensions", [also = std::move(also)](store::Tx& tx, store::WriteBehind::Batch const& batch) {
        for (auto const& [id, expires_at] : batch) store::extend_session(tx, id, expires_at);
        if (also) also(tx, batch);
      }) {}

void SessionExtender::extend(Session& session, UnixSeconds now) {
  if (session.revoked.load()) return;
  UnixSeconds const target = now + ttl_;
  UnixSeconds current = session.expires_at.load();
  while (current < target && !session.expires_at.compare_exchange_weak(current, target)) {
  }
  if (current >= target) return;
  writes_.note(session.id, target);
}

}  // namespace gatehouse::auth
