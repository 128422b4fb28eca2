#pragma once
// Memory follows the database: the one place where a committed change reaches the session and
// key registries, the event hub and the stream registry (which closes revoked credentials'
// streams). Operations never touch those themselves; they record their changes in the
// transaction that makes the write, so memory changes exactly when the database does, in commit
// order, and never for a write that rolled back.
//
// With several nodes (PostgreSQL), recording also adds the change to the changes table in the
// same transaction, and every other node's ChangeTailer applies it through its own applier.
// Events are then delivered from that feed on every node, this one included, so that each node
// publishes a research item's events in one order (see EventHub::subscribe).
#include "gatehouse/auth/api_key_registry.hpp"
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/domain/changes.hpp"
#include "gatehouse/store/transaction.hpp"
#include "gatehouse/streams/event_hub.hpp"
#include "gatehouse/streams/stream_registry.hpp"

#include <string>

namespace gatehouse::domain {

class ChangeApplier {
 public:
  ChangeApplier(auth::SessionRegistry& sessions, auth::ApiKeyRegistry& keys, streams::EventHub& hub,
                streams::StreamRegistry& streams)
      : sessions_(sessions), keys_(keys), hub_(hub), streams_(streams) {}

  // Turns the feed to the other nodes on, under this node's name. Set once at start.
  void publish_to_other_nodes(std::string node_id) { node_id_ = std::move(node_id); }
  bool publishes() const { return !node_id_.empty(); }
  std::string const& node_id() const { return node_id_; }

  // In the transaction that makes the write: applied here once it commits, and published to the
  // other nodes with it.
  void record(store::Tx& tx, Change change);
  // For the other nodes only: this node's memory already holds it (stream extensions).
  void record_for_other_nodes(store::Tx& tx, Change const& change);

  void apply(Change const& change);

 private:
  auth::SessionRegistry& sessions_;
  auth::ApiKeyRegistry& keys_;
  streams::EventHub& hub_;
  streams::StreamRegistry& streams_;
  std::string node_id_;
};

}  // namespace gatehouse::domain
