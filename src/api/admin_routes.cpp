// The admin routes, served on the admin socket only (never on the TCP listener): listing
// principals and sessions, revoking sessions, setting a plan, an online backup. They use the
// same store and registries as the public routes; revocations take the logout path, so streams
// close as they do on logout. Listing and backup run on the database thread.
#include "gatehouse/api/json_body.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/domain/principals.hpp"
#include "gatehouse/domain/sessions.hpp"
#include "gatehouse/domain/storage.hpp"
#include "gatehouse/errors.hpp"
#include "gatehouse/util/log.hpp"

#include <charconv>
#include <chrono>

namespace gatehouse::api {

namespace {

constexpr std::int64_t default_limit = 100;
constexpr std::int64_t max_limit = 10'000;

std::size_t limit_param(Request const& req) {
  auto const text = req.query_param("limit");
  if (!text) return default_limit;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || value < 1 || value > max_limit) {
    throw Failure(ErrorCode::invalid_body, "limit must be an integer from 1 to " + std::to_string(max_limit));
  }
  return static_cast<std::size_t>(value);
}

boost::json::value nullable(std::optional<std::string> const& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::value nullable_time(std::optional<UnixSeconds> t) {
  return t ? boost::json::value(rfc3339(*t)) : boost::json::value(nullptr);
}

boost::json::object subscription_json(store::PrincipalRecord const& p) {
  return {{"plan", p.plan}, {"status", p.plan_status}, {"current_period_end", nullable_time(p.current_period_end)}};
}

boost::asio::awaitable<Response> list_principals(Services& s, Request const& req) {
  std::optional<store::PrincipalKind> kind;
  if (auto k = req.query_param("kind")) {
    if (*k == "user") {
      kind = store::PrincipalKind::user;
    } else if (*k == "anonymous") {
      kind = store::PrincipalKind::anonymous;
    } else {
      throw Failure(ErrorCode::invalid_body, "kind must be user or anonymous");
    }
  }
  std::size_t const limit = limit_param(req);
  auto const principals = co_await s.domain.principals.list(kind, limit);
  boost::json::array items;
  for (auto const& p : principals) {
    boost::json::object item{{"id", p.id},
                             {"kind", store::to_string(p.kind)},
                             {"clerk_user_id", nullable(p.clerk_user_id)},
                             {"device_id", nullable(p.device_id)},
                             {"created_at", rfc3339(p.created_at)}};
    item["subscription"] = subscription_json(p);
    items.push_back(std::move(item));
  }
  co_return json_response(200, boost::json::object{{"principals", std::move(items)}});
}

std::string_view session_state(store::SessionRecord const& r, UnixSeconds now) {
  if (r.revoked_at) return "revoked";
  return now < r.expires_at ? "live" : "expired";
}

boost::asio::awaitable<Response> list_sessions(Services& s, Request const& req) {
  std::optional<std::string> principal = req.query_param("principal");
  if (principal && principal->empty()) principal.reset();
  std::size_t const limit = limit_param(req);
  auto const views = co_await s.domain.sessions.list_stored(principal, limit);
  UnixSeconds const now = now_unix();
  boost::json::array items;
  for (auto const& [r, last_seen] : views) {
    // Ids and times only: never a token or its hash.
    items.push_back(boost::json::object{{"id", r.id},
                                        {"principal_id", r.principal_id},
                                        {"kind", store::to_string(r.kind)},
                                        {"state", session_state(r, now)},
                                        {"created_at", rfc3339(r.created_at)},
                                        {"expires_at", rfc3339(r.expires_at)},
                                        {"revoked_at", nullable_time(r.revoked_at)},
                                        {"last_seen", nullable_time(last_seen)}});
  }
  co_return json_response(200, boost::json::object{{"sessions", std::move(items)}});
}

boost::asio::awaitable<Response> revoke_session(Services& s, PathParams const& params) {
  auto const target = s.domain.sessions.find(std::string(params[0]));
  if (!target) throw Failure(ErrorCode::session_not_found);
  std::vector<std::string> ids;
  if (target->live(now_unix())) ids.push_back(target->id);
  std::size_t const n = co_await s.domain.sessions.revoke(std::move(ids));
  log::info("admin: sessions revoked", {{"session_id", target->id}, {"revoked", n}});
  co_return json_response(200, boost::json::object{{"revoked", n}});
}

boost::asio::awaitable<Response> revoke_principal(Services& s, PathParams const& params) {
  std::string const principal_id(params[0]);
  // A named result, not co_await inside the condition: GCC 12 miscompiles some of those.
  auto const principal = co_await s.domain.principals.find(principal_id);
  if (!principal) throw Failure(ErrorCode::principal_not_found);
  std::size_t const n = co_await s.domain.sessions.revoke_all(principal_id, std::nullopt, now_unix());
  log::info("admin: sessions revoked", {{"principal_id", principal_id}, {"revoked", n}});
  co_return json_response(200, boost::json::object{{"revoked", n}});
}

// Plan and status names: what a billing system would use as identifiers, nothing to escape.
std::string plan_word(boost::json::object const& body, std::string_view name, std::optional<std::string> fallback) {
  auto const* v = body.if_contains(name);
  if (!v && fallback) return *fallback;
  bool ok = v && v->is_string() && !v->get_string().empty() && v->get_string().size() <= 64;
  if (ok) {
    for (char c : v->get_string()) {
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
    }
  }
  if (!ok) throw Failure(ErrorCode::invalid_body, std::string(name) + " must be 1-64 characters of a-z 0-9 _ -");
  return std::string(v->get_string());
}

boost::asio::awaitable<Response> set_plan(Services& s, Request const& req, PathParams const& params) {
  auto const body = json_object_body(req);
  store::PlanChange change;
  change.plan = plan_word(body, "plan", std::nullopt);
  change.status = plan_word(body, "status", "active");
  if (auto const* end = body.if_contains("current_period_end"); end && !end->is_null()) {
    std::optional<UnixSeconds> parsed;
    if (end->is_string()) parsed = parse_rfc3339(end->get_string());
    if (!parsed) throw Failure(ErrorCode::invalid_body, "current_period_end must be an RFC 3339 time or null");
    change.current_period_end = parsed;
  }
  std::string const principal_id(params[0]);
  auto const updated = co_await s.domain.principals.set_plan(principal_id, change);
  if (!updated) throw Failure(ErrorCode::principal_not_found);
  log::info("admin: plan set", {{"principal_id", principal_id}, {"plan", change.plan}, {"status", change.status}});
  co_return json_response(200, boost::json::object{{"principal_id", principal_id}, {"subscription", subscription_json(*updated)}});
}

boost::asio::awaitable<Response> backup(Services& s, Request const& req) {
  auto const body = json_object_body(req);
  std::filesystem::path const destination(required_string(body, "path", 4096));
  bool overwrite = false;
  if (auto const* v = body.if_contains("overwrite")) {
    if (!v->is_bool()) throw Failure(ErrorCode::invalid_body, "overwrite must be true or false");
    overwrite = v->get_bool();
  }
  auto const started = std::chrono::steady_clock::now();
  auto const result = co_await s.domain.storage.backup(destination, overwrite);
  auto const elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  log::info("admin: backup written", {{"path", result.path.string()},
                                      {"bytes", static_cast<std::int64_t>(result.bytes)},
                                      {"duration_ms", static_cast<std::int64_t>(elapsed.count())}});
  co_return json_response(200, boost::json::object{{"path", result.path.string()},
                                                   {"bytes", result.bytes},
                                                   {"pages", result.pages},
                                                   {"duration_ms", elapsed.count()}});
}

}  // namespace

void add_admin_routes(Router& router, Services& s) {
  router.add(Method::get, "/admin/principals", [&s](Request const& r, PathParams const&) { return list_principals(s, r); });
  router.add(Method::get, "/admin/sessions", [&s](Request const& r, PathParams const&) { return list_sessions(s, r); });
  router.add(Method::del, "/admin/sessions/{id}", [&s](Request const&, PathParams const& p) { return revoke_session(s, p); });
  router.add(Method::del, "/admin/principals/{id}/sessions",
             [&s](Request const&, PathParams const& p) { return revoke_principal(s, p); });
  router.add(Method::put, "/admin/principals/{id}/plan",
             [&s](Request const& r, PathParams const& p) { return set_plan(s, r, p); });
  router.add(Method::post, "/admin/backup", [&s](Request const& r, PathParams const&) { return backup(s, r); });
}

}  // namespace gatehouse::api
