// POST /auth/session, POST /auth/anonymous, POST /auth/rebind, GET /auth/bootstrap,
// GET /auth/whoami, POST /auth/stream-ticket.
#include "gatehouse/api/services.hpp"
#include "gatehouse/api/whoami_body.hpp"
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/crypto/random.hpp"
#include "gatehouse/errors.hpp"
#include "gatehouse/metrics/instruments.hpp"
#include "gatehouse/store/principal_store.hpp"
#include "gatehouse/store/rebind_store.hpp"
#include "gatehouse/store/secret_store.hpp"
#include "gatehouse/store/session_store.hpp"

namespace gatehouse::api {

namespace {

constexpr std::size_t max_device_id_size = 256;
constexpr std::size_t max_user_agent_size = 256;

// Printable ASCII only, bounded: the user agent is echoed back in session lists.
std::optional<std::string> user_agent_of(Request const& req) {
  std::string ua;
  for (char c : req.header("User-Agent")) {
    if (ua.size() == max_user_agent_size) break;
    if (c >= 0x20 && c < 0x7f) ua.push_back(c);
  }
  if (ua.empty()) return std::nullopt;
  return ua;
}

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

// Inserts a session for the principal; the registry learns of it when the insert commits.
store::SessionRecord insert_new_session(store::Tx& tx, Services& s, store::PrincipalRecord const& principal,
                                        auth::OpaqueToken const& token, std::optional<std::string> const& user_agent,
                                        UnixSeconds now) {
  store::SessionRecord record;
  record.id = crypto::time_ordered_id("s_");
  record.token_hash = token.hash;
  record.principal_id = principal.id;
  record.kind = principal.kind;
  record.created_at = now;
  record.expires_at = now + s.config.session_ttl;
  record.user_agent = user_agent;
  store::insert_session(tx, record);
  tx.on_commit([&registry = s.sessions, record] {
    registry.add(record);
    metrics::instruments().sessions_created.labels({store::to_string(record.kind)}).inc();
  });
  return record;
}

Response token_response(Services const& s, auth::OpaqueToken const& token, store::SessionRecord const& record) {
  return json_response(200, boost::json::object{{"token", token.text},
                                                {"expires_in", s.config.session_ttl},
                                                {"principal_id", record.principal_id}});
}

// A Clerk JWT under the client's failure budget (an RSA verification is the costliest thing a
// client can make us do).
boost::asio::awaitable<auth::JwtClaims> verified_clerk_jwt(Services& s, std::string const& client, std::string_view jwt) {
  s.limits.check_failures(client);
  try {
    co_return co_await s.authenticator.clerk_jwt(jwt);
  } catch (Failure const& f) {
    s.limits.note_failure(client, f);
    throw;
  }
}

boost::asio::awaitable<Response> exchange_clerk_jwt(Services& s, Request const& req) {
  std::string const client = s.limits.client(req);
  s.limits.charge_session_creation(client);
  auto const bearer = auth::bearer_token(req.header("Authorization"));
  if (!bearer) throw Failure(ErrorCode::missing_bearer_token);
  auth::JwtClaims const claims = co_await verified_clerk_jwt(s, client, *bearer);
  auto const token = auth::mint_opaque_token(auth::session_token_prefix);
  auto const user_agent = user_agent_of(req);
  auto const record = co_await s.db.write([&](store::Tx& tx) {
    UnixSeconds const now = now_unix();
    auto const principal = store::upsert_user_principal(tx, claims.sub, claims.email, claims.name, now);
    return insert_new_session(tx, s, principal, token, user_agent, now);
  });
  req.note_principal(record.principal_id);
  co_return token_response(s, token, record);
}

boost::asio::awaitable<Response> start_anonymous_session(Services& s, Request const& req) {
  s.limits.charge_session_creation(s.limits.client(req));
  std::string const device_id = device_id_of(req);
  auto const token = auth::mint_opaque_token(auth::session_token_prefix);
  auto const user_agent = user_agent_of(req);
  auto const record = co_await s.db.write([&](store::Tx& tx) {
    UnixSeconds const now = now_unix();
    auto const principal = store::upsert_anonymous_principal(tx, device_id, now);
    return insert_new_session(tx, s, principal, token, user_agent, now);
  });
  req.note_principal(record.principal_id);
  co_return token_response(s, token, record);
}

boost::asio::awaitable<Response> rebind(Services& s, Request const& req) {
  std::string const client = s.limits.client(req);
  s.limits.charge_session_creation(client);
  auto const presented = presented_credentials(req);
  // Moving a device's data is the user's own act, never a script's.
  if (auth::presented_api_key(presented, s.authenticator.api_key_prefix())) throw Failure(ErrorCode::requires_session);
  auto const bearer = auth::bearer_token(presented.authorization);
  if (!bearer) throw Failure(ErrorCode::missing_bearer_token);

  // A user session token, or a Clerk JWT (the user principal is created if this is its first call).
  std::optional<std::string> user_principal_id;
  std::optional<auth::JwtClaims> claims;
  if (auth::has_opaque_token_shape(*bearer, auth::session_token_prefix)) {
    auto const session = within_failure_budget(s.limits, req, [&] { return s.authenticator.session(bearer, now_unix()); });
    if (session->kind != store::PrincipalKind::user) throw Failure(ErrorCode::rebind_requires_user);
    user_principal_id = session->principal_id;
    req.note_principal(session->principal_id);
  } else {
    claims = co_await verified_clerk_jwt(s, client, *bearer);
  }
  std::string const device_id = device_id_of(req);

  std::string acting_user_id;
  auto const result = co_await s.db.write([&](store::Tx& tx) {
    UnixSeconds const now = now_unix();
    std::string const user_id =
        user_principal_id ? *user_principal_id
                          : store::upsert_user_principal(tx, claims->sub, claims->email, claims->name, now).id;
    acting_user_id = user_id;
    auto r = store::rebind_device(tx, device_id, user_id, now);
    if (!r.revoked_session_ids.empty()) {
      tx.on_commit([&registry = s.sessions, ids = r.revoked_session_ids] { registry.revoke(ids); });
    }
    return r;
  });
  req.note_principal(acting_user_id);
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
  auto const caller = require_caller(s, req, auth::Scope::sessions_read);
  struct Snapshot {
    std::optional<store::PrincipalRecord> principal;
    std::vector<store::SecretStatus> secrets;
  };
  auto const snap = co_await s.db.read([&](store::Tx& tx) {
    return Snapshot{store::find_principal(tx, caller.principal_id()), store::list_secrets(tx, caller.principal_id())};
  });
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
boost::asio::awaitable<Response> whoami(Services& s, Request const& req) {
  UnixSeconds const now = now_unix();
  auto const caller = require_any_caller(s, req);
  Response r;
  r.status = 200;
  r.body = whoami_body(caller, now);
  co_return r;
}

// Bound to the credential presented: the session, or the API key.
boost::asio::awaitable<Response> stream_ticket(Services& s, Request const& req) {
  auto const caller = require_caller(s, req, auth::Scope::research_read);
  std::string ticket = s.tickets.issue(caller.session ? caller.session->id : caller.api_key->id, now_unix());
  co_return json_response(200, boost::json::object{{"ticket", std::move(ticket)},
                                                   {"expires_in", auth::StreamTickets::ttl}});
}

}  // namespace

void add_auth_routes(Router& router, Services& s) {
  router.add(Method::post, "/auth/session", [&s](Request const& r, PathParams const&) { return exchange_clerk_jwt(s, r); });
  router.add(Method::post, "/auth/anonymous",
             [&s](Request const& r, PathParams const&) { return start_anonymous_session(s, r); });
  router.add(Method::post, "/auth/rebind", [&s](Request const& r, PathParams const&) { return rebind(s, r); });
  router.add(Method::get, "/auth/bootstrap", [&s](Request const& r, PathParams const&) { return bootstrap(s, r); });
  router.add(Method::get, "/auth/whoami", [&s](Request const& r, PathParams const&) { return whoami(s, r); });
  router.add(Method::post, "/auth/stream-ticket",
             [&s](Request const& r, PathParams const&) { return stream_ticket(s, r); });
}

}  // namespace gatehouse::api
