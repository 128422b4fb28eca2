#include "gatehouse/domain/domain.hpp"

namespace gatehouse::domain {

Domain::Domain(DomainParts parts, DomainOptions options)
    : sessions(parts.db, parts.changes, parts.sessions, options.sessions),
      api_keys(parts.db, parts.changes, parts.keys, std::move(options.api_keys)),
      research(parts.db, parts.changes),
      devices(parts.db, parts.changes),
      secrets(parts.db, parts.secret_box),
      principals(parts.db),
      storage(parts.db),
      tickets(parts.db, parts.tickets, options.several_nodes) {}

boost::asio::awaitable<bool> Domain::load_credential(auth::NotInMemory const& missing) {
  switch (missing.kind) {
    case auth::CredentialKind::session_token: co_return co_await sessions.load(missing.hash);
    case auth::CredentialKind::api_key: co_return co_await api_keys.load(missing.hash);
    case auth::CredentialKind::stream_ticket: co_return co_await tickets.load(missing.hash);
    default: co_return false;
  }
}

}  // namespace gatehouse::domain
