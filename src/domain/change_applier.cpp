#include "gatehouse/domain/change_applier.hpp"

#include "gatehouse/metrics/instruments.hpp"
#include "gatehouse/store/change_store.hpp"

namespace gatehouse::domain {

namespace {
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;
}  // namespace

void ChangeApplier::apply(Change const& change) {
  std::visit(Overloaded{
                 [this](SessionMinted const& c) {
                   sessions_.add(c.session);
                   metrics::instruments().sessions_created.labels({store::to_string(c.session.kind)}).inc();
                 },
                 [this](SessionsRevoked const& c) {
                   for (auto const& session : sessions_.revoke(c.session_ids)) {
                     metrics::instruments().sessions_revoked.inc();
                     streams_.close_credential(session->id, streams::CloseReason::revoked);
                   }
                 },
                 [this](SessionsPurged const& c) { sessions_.erase(c.session_ids); },
                 [this](SessionsExtended const& c) {
                   for (auto const& [id, expires_at] : c.expiries) sessions_.extend(id, expires_at);
                 },
                 [this](ApiKeyCreated const& c) { keys_.add(c.key); },
                 [this](ApiKeyRevoked const& c) {
                   if (auto key = keys_.deactivate(c.key_id)) {
                     streams_.close_credential(key->id, streams::CloseReason::revoked);
                   }
                 },
                 [this](EventCommitted const& c) { hub_.publish(c.event); },
             },
             change);
}

namespace {
// What the other nodes must hear at once: a revocation (refused within a second, its streams
// closed) and an event (live delivery). A new session, key or expiry can wait for their next
// poll: a node asked for a credential it has not heard of looks it up.
bool urgent(Change const& change) {
  return std::holds_alternative<SessionsRevoked>(change) || std::holds_alternative<ApiKeyRevoked>(change) ||
         std::holds_alternative<EventCommitted>(change);
}
}  // namespace

void ChangeApplier::record(store::Tx& tx, Change change) {
  bool const event = std::holds_alternative<EventCommitted>(change);
  if (publishes()) {
    store::append_change(tx, node_id_, encode(change), now_unix(), urgent(change));
    if (event) return;  // delivered from the feed, on this node too
  }
  tx.on_commit([this, change = std::move(change)] { apply(change); });
}

void ChangeApplier::record_for_other_nodes(store::Tx& tx, Change const& change) {
  if (publishes()) store::append_change(tx, node_id_, encode(change), now_unix(), urgent(change));
}

}  // namespace gatehouse::domain
