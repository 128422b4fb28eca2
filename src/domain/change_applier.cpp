#include "gatehouse/domain/change_applier.hpp"

#include "gatehouse/metrics/instruments.hpp"

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

void apply_on_commit(store::Tx& tx, ChangeApplier& applier, Change change) {
  tx.on_commit([&applier, change = std::move(change)] { applier.apply(change); });
}

}  // namespace gatehouse::domain
