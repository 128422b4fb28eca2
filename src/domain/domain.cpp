#include "gatehouse/domain/domain.hpp"

namespace gatehouse::domain {

Domain::Domain(DomainParts parts, DomainOptions options)
    : sessions(parts.db, parts.changes, parts.sessions, options.sessions),
      refresh(parts.db, sessions, options.refresh),
      api_keys(parts.db, parts.changes, parts.keys, std::move(options.api_keys)),
      research(parts.db, parts.changes),
      devices(parts.db, parts.changes),
      secrets(parts.db, parts.secret_box),
      principals(parts.db),
      storage(parts.db),
      tickets(parts.db, parts.tickets, options.several_nodes) {}

boost::asio::awaitable<bool> Domain::load_credential(auth::NotInMemory const& missing) {
  // An if chain, not a switch: GCC 12 miscompiles co_await in switch cases.
  auto const kind = missing.kind;
  auto const hash = missing.hash;
  bool found = false;
  if (kind == auth::CredentialKind::session_token) {
    found = co_await sessions.load(hash);
  } else if (kind == auth::CredentialKind::api_key) {
    found = co_await api_keys.load(hash);
  } else if (kind == auth::CredentialKind::stream_ticket) {
    found = co_await tickets.load(hash);
  }
  co_return found;
}

}  // namespace gatehouse::domain
