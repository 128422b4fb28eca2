#pragma once
// Every domain operation, between the routes (which translate HTTP to an operation and back)
// and the store (which knows SQL). Each operation pairs its write with its changes, applied by
// the one ChangeApplier when the write commits.
#include "gatehouse/domain/api_keys.hpp"
#include "gatehouse/domain/devices.hpp"
#include "gatehouse/domain/principals.hpp"
#include "gatehouse/domain/refresh_families.hpp"
#include "gatehouse/domain/research.hpp"
#include "gatehouse/domain/secrets.hpp"
#include "gatehouse/domain/sessions.hpp"
#include "gatehouse/domain/storage.hpp"
#include "gatehouse/domain/tickets.hpp"
#include "gatehouse/auth/credential_misses.hpp"

namespace gatehouse::domain {

struct DomainParts {
  store::DbExecutor& db;
  ChangeApplier& changes;
  auth::SessionRegistry& sessions;
  auth::ApiKeyRegistry& keys;
  auth::StreamTickets& tickets;
  crypto::SecretBox const& secret_box;
};

struct DomainOptions {
  SessionOptions sessions;
  ApiKeyOptions api_keys;
  bool several_nodes = false;  // PostgreSQL: state that every node must see goes through the database
  RefreshOptions refresh;
};

struct Domain {
  Domain(DomainParts parts, DomainOptions options);

  // Several nodes: brings the credential another node issued into memory (one read); false when
  // the database has none.
  boost::asio::awaitable<bool> load_credential(auth::NotInMemory const& missing);

  Sessions sessions;
  RefreshFamilies refresh;  // after sessions, which it mints through
  ApiKeys api_keys;
  Research research;
  Devices devices;
  Secrets secrets;
  Principals principals;
  Storage storage;
  Tickets tickets;
};

}  // namespace gatehouse::domain
