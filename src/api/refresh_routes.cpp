// POST /auth/refresh: a refresh token for a new session token and the refresh token after it.
// Served on every deployment: whatever signed the client in (a login, an OAuth grant, a CLI
// login) minted the family through domain::RefreshFamilies.
#include "gatehouse/api/client_limits.hpp"
#include "gatehouse/api/json_body.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/api/sign_in_response.hpp"
#include "gatehouse/api/user_agent.hpp"
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/domain/refresh_families.hpp"
#include "gatehouse/errors.hpp"

namespace gatehouse::api {

namespace {

// gr_ and 43 characters; a longer string is refused by its shape, not read further.
constexpr std::size_t max_refresh_token_size = 256;

std::string refresh_token_of(Request const& req) {
  // An empty body is a request without the field, not a JSON syntax error.
  if (req.body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw Failure(ErrorCode::invalid_body, "refresh_token required");
  }
  return required_string(json_object_body(req), "refresh_token", max_refresh_token_size);
}

boost::asio::awaitable<Response> refresh(Services& s, Request const& req) {
  std::string const client = s.limits.client(req);
  s.limits.charge_session_creation(client);
  std::string const presented = refresh_token_of(req);
  // A refused refresh token spends the client's failure budget, as any refused credential does.
  auto const signed_in =
      co_await within_failure_budget(s.limits, client, s.domain.refresh.refresh(presented, user_agent_of(req)));
  req.note_principal(signed_in.session.record.principal_id);
  co_return sign_in_response(signed_in, s.domain.sessions.ttl());
}

}  // namespace

void add_refresh_routes(Router& router, Services& s) {
  router.add(Method::post, "/auth/refresh", [&s](Request const& r, PathParams const&) { return refresh(s, r); });
}

}  // namespace gatehouse::api
