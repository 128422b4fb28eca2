#include "gatehouse/domain/domain.hpp"

namespace gatehouse::domain {

Domain::Domain(DomainParts parts, DomainOptions options)
    : sessions(parts.db, parts.changes, parts.sessions, options.sessions),
      api_keys(parts.db, parts.changes, parts.keys, std::move(options.api_keys)),
      research(parts.db, parts.changes),
      devices(parts.db, parts.changes),
      secrets(parts.db, parts.secret_box),
      principals(parts.db),
      storage(parts.db) {}

}  // namespace gatehouse::domain
