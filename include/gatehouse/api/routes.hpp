#pragma once
// The route groups, one file each, and the whole table in one list; and what their handlers
// work with: the domain operations, the authenticator, the per-client limits. Handlers translate
// a request into an operation and its result into a response; none of them sees SQL, a
// transaction or a socket.
#include "gatehouse/api/client_limits.hpp"
#include "gatehouse/api/router.hpp"
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

void add_health_routes(Router& router, Services& services);   // /health, /ready
void add_auth_routes(Router& router, Services& services);     // /auth/session, anonymous, rebind, bootstrap, whoami, stream-ticket
void add_session_routes(Router& router, Services& services);  // logout, /auth/sessions
void add_refresh_routes(Router& router, Services& services);  // /auth/refresh
void add_research_routes(Router& router, Services& services);
void add_secret_routes(Router& router, Services& services);
void add_stream_routes(Router& router, Services& services);   // SSE, WebSocket
void add_api_key_routes(Router& router, Services& services);  // /me/keys
void add_metrics_routes(Router& router, Services& services);
void add_openapi_routes(Router& router, Services& services);
// Only with --dev: the browser example under /dev/ (not part of the API, not in the OpenAPI document).
void add_dev_page_routes(Router& router, Services& services);

// The admin routes: served on the admin socket only, so not part of add_all_routes (nor of the
// public OpenAPI document).
void add_admin_routes(Router& router, Services& services);

// Every route group above: what the server serves, and what the OpenAPI test checks.
void add_all_routes(Router& router, Services& services);

}  // namespace gatehouse::api
