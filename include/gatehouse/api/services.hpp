#pragma once
// What route handlers work with. Handlers call the store through the database thread and the
// in-memory registries directly; none of them sees SQL or sockets.
#include "gatehouse/api/client_limits.hpp"
#include "gatehouse/api/request.hpp"
#include "gatehouse/api/router.hpp"
#include "gatehouse/auth/api_key_registry.hpp"
#include "gatehouse/auth/authenticator.hpp"
#include "gatehouse/auth/session_extender.hpp"
#include "gatehouse/auth/stream_tickets.hpp"
#include "gatehouse/config.hpp"
#include "gatehouse/crypto/secret_box.hpp"
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/streams/event_hub.hpp"

#include <boost/json/object.hpp>

namespace gatehouse::auth {
class JwksProvider;
}

namespace gatehouse::api {

struct Services {
  Config const& config;
  store::DbExecutor& db;
  auth::SessionRegistry& sessions;
  auth::ApiKeyRegistry& api_keys;
  auth::StreamTickets& tickets;
  auth::Authenticator const& authenticator;
  crypto::SecretBox const& secret_box;
  auth::SessionExtender& extender;
  streams::EventHub& hub;
  ClientLimits& limits;
  auth::JwksProvider const* jwks = nullptr;  // null without --jwks-url
};

auth::PresentedCredentials presented_credentials(Request const& req);

// The caller, by session token or API key, allowed the scope. Throws Failure.
auth::Caller require_caller(Services const& s, Request const& req, auth::Scope scope);
// The same for the routes every credential may call (whoami).
auth::Caller require_any_caller(Services const& s, Request const& req);

// The caller's live session from "Authorization: Bearer", for routes that act on the session
// itself (logout, session revocation, rebind): an API key gets 403. Throws Failure.
auth::SessionPtr require_session(Services const& s, Request const& req);

// A signed-in user's own session, not acting under a key (API key management). Throws Failure.
auth::SessionPtr require_signed_in_user(Services const& s, Request const& req);

// The body as a JSON object, or Failure(invalid_body) saying what is wrong.
boost::json::object json_object_body(Request const& req);

// A required non-empty string member; Failure(invalid_body, "<name> required") otherwise.
std::string required_string(boost::json::object const& body, std::string_view name, std::size_t max_size);

void add_health_routes(Router& router, Services& services);
void add_auth_routes(Router& router, Services& services);
void add_session_routes(Router& router, Services& services);
void add_research_routes(Router& router, Services& services);
void add_secret_routes(Router& router, Services& services);
void add_stream_routes(Router& router, Services& services);
void add_api_key_routes(Router& router, Services& services);
void add_metrics_routes(Router& router, Services& services);
void add_openapi_routes(Router& router, Services& services);
// Only with --dev: the browser example under /dev/ (not part of the API, not in the OpenAPI document).
void add_dev_page_routes(Router& router, Services& services);

// Every route group above: what the server serves, and what the OpenAPI test checks.
void add_all_routes(Router& router, Services& services);

}  // namespace gatehouse::api
