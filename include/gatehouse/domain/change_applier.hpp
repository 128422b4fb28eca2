#pragma once
// Memory follows the database: the one place where a committed change reaches the session and
// key registries, the event hub and the stream registry (which closes revoked credentials'
// streams). Operations never touch those themselves; they record their changes with
// apply_on_commit, in the transaction that makes the write, so memory changes exactly when the
// database does, in commit order, and never for a write that rolled back.
#include "gatehouse/auth/api_key_registry.hpp"
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/domain/changes.hpp"
#include "gatehouse/store/transaction.hpp"
#include "gatehouse/streams/event_hub.hpp"
#include "gatehouse/streams/stream_registry.hpp"

namespace gatehouse::domain {

class ChangeApplier {
 public:
  ChangeApplier(auth::SessionRegistry& sessions, auth::ApiKeyRegistry& keys, streams::EventHub& hub,
                streams::StreamRegistry& streams)
      : sessions_(sessions), keys_(keys), hub_(hub), streams_(streams) {}

  void apply(Change const& change);

 private:
  auth::SessionRegistry& sessions_;
  auth::ApiKeyRegistry& keys_;
  streams::EventHub& hub_;
  streams::StreamRegistry& streams_;
};

// Applies the change once tx has committed (on the database thread, in commit order).
void apply_on_commit(store::Tx& tx, ChangeApplier& applier, Change change);

}  // namespace gatehouse::domain
