// GET /health: liveness, no dependencies. GET /ready: readiness, the dependencies a request may
// need — the database takes a write, and the JWKS has loaded (when one is configured).
#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/auth/jwks_provider.hpp"
#include "gatehouse/domain/storage.hpp"

namespace gatehouse::api {

namespace {

boost::asio::awaitable<Response> health(Request const&, PathParams const&) {
  co_return json_response(200, boost::json::object{{"status", "ok"}});
}

boost::asio::awaitable<Response> ready(Services& s) {
  bool const database_ok = co_await s.domain.storage.writable();
  // Without --jwks-url no JWKS will ever load: the instance serves what it was configured to
  // serve (anonymous sessions, API keys), so it is ready, and says why JWT routes answer 503.
  std::string_view jwks_state = "not configured";
  bool jwks_ok = true;
  if (s.jwks) {
    jwks_ok = s.jwks->current() != nullptr;
    jwks_state = jwks_ok ? "loaded" : "not loaded";
  }
  boost::json::object parts{{"database", database_ok ? "ok" : "unavailable"}, {"jwks", jwks_state}};
  // Several nodes: a node that does not hear the others' changes would miss their revocations.
  bool changes_ok = true;
  if (s.changes_feed) {
    changes_ok = s.changes_feed->connected();
    parts["changes"] = changes_ok ? "connected" : "disconnected";
  }
  if (database_ok && jwks_ok && changes_ok) {
    boost::json::object body{{"status", "ready"}};
    for (auto const& [k, v] : parts) body[k] = v;
    co_return json_response(200, body);
  }
  std::string failing;
  if (!database_ok) failing = "database unavailable";
  if (!jwks_ok) failing += failing.empty() ? "JWKS not loaded" : "; JWKS not loaded";
  if (!changes_ok) failing += failing.empty() ? "changes feed disconnected" : "; changes feed disconnected";
  boost::json::object body{{"status", "not ready"}};
  for (auto const& [k, v] : parts) body[k] = v;
  co_return error_response(Failure(ErrorCode::not_ready, failing), std::move(body));
}

}  // namespace

void add_health_routes(Router& router, Services& s) {
  router.add(Method::get, "/health", health);
  router.add(Method::get, "/ready", [&s](Request const&, PathParams const&) { return ready(s); });
}

}  // namespace gatehouse::api
