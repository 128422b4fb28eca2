// POST /me/keys, GET /me/keys, DELETE /me/keys/{id}: a signed-in user's long-lived API keys.
// The plaintext key is in the creation response and nowhere else; the store keeps its SHA-256.
#include "gatehouse/api/json_body.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/domain/api_keys.hpp"
#include "gatehouse/errors.hpp"

#include <cmath>

namespace gatehouse::api {

namespace {

constexpr std::size_t max_name_size = 100;
constexpr std::int64_t max_expires_in = 10LL * 366 * 86400;

boost::json::value optional_time(std::optional<UnixSeconds> t) {
  return t ? boost::json::value(rfc3339(*t)) : boost::json::value(nullptr);
}

boost::json::array scope_names(auth::Scopes scopes) {
  boost::json::array out;
  for (auto name : scopes.names()) out.emplace_back(name);
  return out;
}

std::string key_name(boost::json::object const& body) {
  std::string name = required_string(body, "name", max_name_size);
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw Failure(ErrorCode::invalid_body, "name must not contain control characters");
    }
  }
  return name;
}

auth::Scopes key_scopes(boost::json::object const& body) {
  auto const* v = body.if_contains("scopes");
  if (!v || !v->is_array() || v->get_array().empty()) {
    throw Failure(ErrorCode::invalid_body, "scopes must be a non-empty array of scope names");
  }
  auth::Scopes scopes;
  for (auto const& item : v->get_array()) {
    if (!item.is_string()) throw Failure(ErrorCode::invalid_body, "scopes must be a non-empty array of scope names");
    auto scope = auth::parse_scope(item.get_string());
    if (!scope) throw Failure(ErrorCode::invalid_body, "unknown scope: " + std::string(item.get_string()));
    scopes.add(*scope);
  }
  return scopes;
}

std::optional<std::int64_t> key_lifetime(boost::json::object const& body) {
  auto const* v = body.if_contains("expires_in");
  if (!v || v->is_null()) return std::nullopt;
  // 3600 and 3600.0 are the same number to a JSON client; 3600.5 is not a number of seconds.
  std::optional<std::int64_t> seconds;
  if (v->is_int64()) seconds = v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(max_expires_in)) {
    seconds = static_cast<std::int64_t>(v->get_uint64());
  }
  // In range before the conversion: a double beyond int64 does not convert.
  if (double const d = v->is_double() ? v->get_double() : 0.0;
      d >= 1 && d <= static_cast<double>(max_expires_in) && d == std::floor(d)) {
    seconds = static_cast<std::int64_t>(d);
  }
  if (!seconds || *seconds < 1 || *seconds > max_expires_in) {
    throw Failure(ErrorCode::invalid_body,
                  "expires_in must be a whole number of seconds from 1 to " + std::to_string(max_expires_in));
  }
  return seconds;
}

boost::asio::awaitable<Response> create_key(Services& s, Request const& req) {
  auto const& session = req.caller().session;
  auto const body = json_object_body(req);
  std::string const name = key_name(body);
  auth::Scopes const scopes = key_scopes(body);
  auto const lifetime = key_lifetime(body);
  auto const minted = co_await s.domain.api_keys.create(session->principal_id, name, scopes, lifetime, now_unix());
  auto const& record = minted.record;
  co_return json_response(201, boost::json::object{{"id", record.id},
                                                      {"key", minted.text},
                                                      {"name", record.name},
                                                      {"scopes", scope_names(scopes)},
                                                      {"created_at", rfc3339(record.created_at)},
                                                      {"expires_at", optional_time(record.expires_at)},
                                                      {"tail", record.tail}});
}

boost::asio::awaitable<Response> list_keys(Services& s, Request const& req) {
  auto const& session = req.caller().session;
  UnixSeconds const now = now_unix();
  boost::json::array keys;
  for (auto const& key : s.domain.api_keys.of_user(session->principal_id)) {
    UnixSeconds const last_used = key->last_used_at.load();
    keys.push_back(boost::json::object{
        {"id", key->id},
        {"name", key->name},
        {"scopes", scope_names(key->scopes)},
        {"active", key->usable(now)},
        {"created_at", rfc3339(key->created_at)},
        {"last_used_at", optional_time(last_used > 0 ? std::optional(last_used) : std::nullopt)},
        {"expires_at", optional_time(key->expires_at)},
        {"tail", key->tail},
    });
  }
  co_return json_response(200, boost::json::object{{"keys", std::move(keys)}});
}

boost::asio::awaitable<Response> revoke_key(Services& s, Request const& req, PathParams const& params) {
  auto const& session = req.caller().session;
  co_await s.domain.api_keys.revoke(session->principal_id, std::string(params[0]));
  co_return empty_response(204);
}

}  // namespace

void add_api_key_routes(Router& router, Services& s) {
  router.add(Method::post, "/me/keys", signed_in_user,
             [&s](Request const& r, PathParams const&) { return create_key(s, r); });
  router.add(Method::get, "/me/keys", signed_in_user, [&s](Request const& r, PathParams const&) { return list_keys(s, r); });
  router.add(Method::del, "/me/keys/{id}", signed_in_user,
             [&s](Request const& r, PathParams const& p) { return revoke_key(s, r, p); });
}

}  // namespace gatehouse::api
