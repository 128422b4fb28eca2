#pragma once
// Every domain operation, between the routes (which translate HTTP to an operation and back)
// and the store (which knows SQL). Each operation pairs its write with its changes, applied by
// the one ChangeApplier when the write commits.
#include "gatehouse/domain/api_keys.hpp"
#include "gatehouse/domain/devices.hpp"
#include "gatehouse/domain/principals.hpp"
#include "gatehouse/domain/research.hpp"
#include "gatehouse/domain/secrets.hpp"
#include "gatehouse/domain/sessions.hpp"
#include "gatehouse/domain/storage.hpp"

namespace gatehouse::domain {

struct DomainParts {
  store::DbExecutor& db;
  ChangeApplier& changes;
  auth::SessionRegistry const& sessions;
  auth::ApiKeyRegistry const& keys;
  crypto::SecretBox const& secret_box;
};

struct DomainOptions {
  SessionOptions sessions;
  ApiKeyOptions api_keys;
};

struct Domain {
  Domain(DomainParts parts, DomainOptions options);

  Sessions sessions;
  ApiKeys api_keys;
  Research research;
  Devices devices;
  Secrets secrets;
  Principals principals;
  Storage storage;
};

}  // namespace gatehouse::domain
