// POST /auth/session, POST /auth/anonymous, POST /auth/rebind, GET /auth/bootstrap,
// GET /auth/whoami, POST /auth/stream-ticket.
#include "gatehouse/api/authentication.hpp"
#include "gatehouse/api/json_body.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/api/user_agent.hpp"
#include "gatehouse/api/whoami_body.hpp"
#include "gatehouse/domain/devices.hpp"
#include "gatehouse/domain/principals.hpp"
#include "gatehouse/domain/sessions.hpp"
#include "gatehouse/errors.hpp"

namespace gatehouse::api {

namespace {

constexpr std::size_t max_device_id_size = 256;

std::string device_id_of(Request const& req) {
  // An empty body is a request without a device_id, not a JSON syntax error.
  if (req.body.find_first_not_of(" \t\r\n") == std::string_view::npos) throw Failure(ErrorCode::device_id_required);
  auto const body = json_object_body(req);
  auto const* v = body.if_contains("device_id");
  if (!v || !v->is_string() || v->get_string().empty()) throw Failure(ErrorCode::device_id_required);
  std::string_view const id = v->get_string();
  if (id.size() > max_device_id_size) {
    throw Failure(ErrorCode::invalid_body, "device_id must be at most " + std::to_string(max_device_id_size) + " bytes");
  }
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw Failure(ErrorCode::invalid_body, "device_id must not contain control characters");
    }
  }
  return std::string(id);
}

Response token_response(Services const& s, domain::MintedSession const& minted) {
  return json_response(200, boost::json::object{{"token", minted.token},
                                                {"expires_in", s.domain.sessions.ttl()},
                                                {"principal_id", minted.record.principal_id}});
}

// A Clerk JWT under the client's failure budget (an RSA verification is the costliest thing a
// client can make us do).
boost::asio::awaitable<auth::JwtClaims> verified_clerk_jwt(Services& s, std::string const& client, std::string_view jwt) {
  return within_failure_budget(s.limits, client, s.authenticator.verify_clerk_jwt(jwt, now_unix()));
}

boost::asio::awaitable<Response> exchange_clerk_jwt(Services& s, Request const& req) {
  std::string const client = s.limits.client(req);
  s.limits.charge_session_creation(client);
  auto const bearer = auth::bearer_token(req.header("Authorization"));
  if (!bearer) throw Failure(ErrorCode::missing_bearer_token);
  auth::JwtClaims const claims = co_await verified_clerk_jwt(s, client, *bearer);
  auto const minted = co_await s.domain.sessions.mint_for_user(claims, user_agent_of(req));
  req.note_principal(minted.record.principal_id);
  co_return token_response(s, minted);
}

boost::asio::awaitable<Response> start_anonymous_session(Services& s, Request const& req) {
  s.limits.charge_session_creation(s.limits.client(req));
  std::string const device_id = device_id_of(req);
  auto const minted = co_await s.domain.sessions.mint_anonymous(device_id, user_agent_of(req));
  req.note_principal(minted.record.principal_id);
  co_return token_response(s, minted);
}

boost::asio::awaitable<Response> rebind(Services& s, Request const& req) {
  std::string const client = s.limits.client(req);
  s.limits.charge_session_creation(client);
  auto const presented = presented_credentials(req);
  auto credential = s.authenticator.extract(presented);
  // Moving a device's data is the user's own act, never a script's.
  if (credential.kind == auth::CredentialKind::api_key) throw Failure(ErrorCode::requires_session);
  if (credential.source != auth::CredentialSource::authorization_bearer) throw Failure(ErrorCode::missing_bearer_token);

  // A user session token, or a Clerk JWT (the user principal is created if this is its first call).
  std::optional<domain::RebindClaimant> claimant;
  if (credential.kind == auth::CredentialKind::session_token) {
    credential.use_api_key = {};
    auto const caller = co_await authenticate_anywhere(s, req, credential);
    if (caller.kind != store::PrincipalKind::user) throw Failure(ErrorCode::rebind_requires_user);
    claimant.emplace(caller.principal_id());
  } else {
    claimant.emplace(co_await verified_clerk_jwt(s, client, credential.token));
  }
  std::string const device_id = device_id_of(req);

  auto const result = co_await s.domain.devices.rebind(device_id, *claimant);
  req.note_principal(result.user_id);
  if (result.outcome == store::RebindOutcome::bound_to_other_user) {
    throw Failure(ErrorCode::device_rebound_elsewhere, device_id);
  }
  bool const rebound = result.outcome == store::RebindOutcome::rebound;
  co_return json_response(200, boost::json::object{{"rebound", rebound}, {"moved", rebound ? result.moved : 0}});
}

boost::json::value nullable(std::optional<std::string> const& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::asio::awaitable<Response> bootstrap(Services& s, Request const& req) {
  auto const& caller = req.caller();
  auto const snap = co_await s.domain.principals.bootstrap(caller.principal_id());
  // The principal row outlives its sessions; its absence means the database was edited under us.
  if (!snap.principal) throw Failure(ErrorCode::invalid_token, "unknown principal");
  auto const& p = *snap.principal;

  boost::json::object secrets;
  for (auto const& secret : snap.secrets) {
    secrets[secret.name] = boost::json::object{{"connected", true}, {"updated_at", rfc3339(secret.updated_at)}};
  }
  UnixSeconds const now = now_unix();
  boost::json::value session_json = nullptr;  // called with an API key: no session
  if (auto const& session = caller.session) {
    UnixSeconds const expires_at = session->expires_at.load();
    session_json = boost::json::object{{"id", session->id},
                                       {"expires_at", rfc3339(expires_at)},
                                       {"expires_in", std::max<UnixSeconds>(0, expires_at - now)}};
  }
  boost::json::object body{
      {"principal",
       boost::json::object{{"id", p.id},
                           {"kind", store::to_string(p.kind)},
                           {"clerk_user_id", nullable(p.clerk_user_id)},
                           {"device_id", nullable(p.device_id)},
                           {"email", nullable(p.email)},
                           {"name", nullable(p.name)},
                           {"created_at", rfc3339(p.created_at)}}},
      {"subscription",
       boost::json::object{{"plan", p.plan},
                           {"status", p.plan_status},
                           {"current_period_end", p.current_period_end ? boost::json::value(rfc3339(*p.current_period_end))
                                                                       : boost::json::value(nullptr)}}},
      {"secrets", std::move(secrets)},
      {"session", std::move(session_json)},
  };
  co_return json_response(200, body);
}

// The hot authenticated route, memory only.
boost::asio::awaitable<Response> whoami(Request const& req) {
  auto const& caller = req.caller();
  UnixSeconds const now = now_unix();
  Response r;
  r.status = 200;
  r.body = whoami_body(caller, now);
  co_return r;
}

// Bound to the credential presented: the session, or the API key.
boost::asio::awaitable<Response> stream_ticket(Services& s, Request const& req) {
  auto const& caller = req.caller();
  std::string ticket =
      co_await s.domain.tickets.issue(caller.session ? caller.session->id : caller.api_key->id, now_unix());
  co_return json_response(200, boost::json::object{{"ticket", std::move(ticket)},
                                                   {"expires_in", auth::StreamTickets::ttl}});
}

}  // namespace

void add_auth_routes(Router& router, Services& s) {
  router.add(Method::post, "/auth/session", [&s](Request const& r, PathParams const&) { return exchange_clerk_jwt(s, r); });
  router.add(Method::post, "/auth/anonymous",
             [&s](Request const& r, PathParams const&) { return start_anonymous_session(s, r); });
  router.add(Method::post, "/auth/rebind", [&s](Request const& r, PathParams const&) { return rebind(s, r); });
  router.add(Method::get, "/auth/bootstrap", caller_with(auth::Scope::sessions_read),
             [&s](Request const& r, PathParams const&) { return bootstrap(s, r); });
  router.add(Method::get, "/auth/whoami", any_caller, [](Request const& r, PathParams const&) { return whoami(r); });
  router.add(Method::post, "/auth/stream-ticket", caller_with(auth::Scope::research_read),
             [&s](Request const& r, PathParams const&) { return stream_ticket(s, r); });
}

}  // namespace gatehouse::api
