#pragma once
// The route groups, one file each, and the whole table in one list.
#include "gatehouse/api/router.hpp"
#include "gatehouse/api/services.hpp"

namespace gatehouse::api {

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
