#pragma once
// What route handlers work with: the domain operations, the authenticator, the per-client
// limits. Handlers translate a request into an operation and its result into a response; none
// of them sees SQL, a transaction or a socket.
#include "gatehouse/api/client_limits.hpp"
#include "gatehouse/auth/authenticator.hpp"
#include "gatehouse/auth/session_extender.hpp"
#include "gatehouse/domain/change_tailer.hpp"
#include "gatehouse/domain/domain.hpp"

namespace gatehouse::auth {
class JwksProvider;
}

namespace gatehouse::api {

struct RouteOptions {
  bool dev = false;  // --dev: the browser example under /dev/
};

struct Services {
  RouteOptions options;
  domain::Domain& domain;
  auth::Authenticator const& authenticator;
  auth::SessionExtender& extender;
  ClientLimits& limits;
  auth::JwksProvider const* jwks = nullptr;  // null without --jwks-url
  domain::ChangeTailer const* changes_feed = nullptr;  // null on one node (SQLite)
};

}  // namespace gatehouse::api
