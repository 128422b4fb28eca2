// DELETE /auth/session, GET /auth/sessions, DELETE /auth/sessions/{id}, DELETE /auth/sessions.
#include "gatehouse/api/routes.hpp"
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/domain/sessions.hpp"
#include "gatehouse/errors.hpp"

namespace gatehouse::api {

namespace {

boost::asio::awaitable<Response> logout(Services& s, Request const& req) {
  std::vector<std::string> ids{req.caller().session->id};
  co_await s.domain.sessions.revoke(std::move(ids));
  co_return empty_response(204);
}

boost::asio::awaitable<Response> list_sessions(Services& s, Request const& req) {
  auto const& caller = req.caller();
  boost::json::array items;
  for (auto const& x : s.domain.sessions.live_of(caller.principal_id(), now_unix())) {
    items.push_back(boost::json::object{
        {"id", x->id},
        {"kind", store::to_string(x->kind)},
        {"created_at", rfc3339(x->created_at)},
        {"expires_at", rfc3339(x->expires_at.load())},
        {"user_agent", x->user_agent ? boost::json::value(*x->user_agent) : boost::json::value(nullptr)},
        {"family_id", x->family_id ? boost::json::value(*x->family_id) : boost::json::value(nullptr)},
        {"current", caller.session && x->id == caller.session->id},
    });
  }
  co_return json_response(200, boost::json::object{{"sessions", std::move(items)}});
}

boost::asio::awaitable<Response> revoke_one(Services& s, Request const& req, PathParams const& params) {
  auto const& caller = req.caller().session;
  co_await s.domain.sessions.revoke_one(caller->principal_id, std::string(params[0]), now_unix());
  co_return empty_response(204);
}

boost::asio::awaitable<Response> revoke_all(Services& s, Request const& req) {
  auto const& caller = req.caller().session;
  bool include_current = false;
  if (auto v = req.query_param("include_current")) {
    if (*v == "true" || *v == "1") {
      include_current = true;
    } else if (*v != "false" && *v != "0") {
      throw Failure(ErrorCode::invalid_body, "include_current must be true or false");
    }
  }
  std::optional<std::string> keep;
  if (!include_current) keep = caller->id;
  std::size_t const n = co_await s.domain.sessions.revoke_all(caller->principal_id, keep, now_unix());
  co_return json_response(200, boost::json::object{{"revoked", n}});
}

}  // namespace

void add_session_routes(Router& router, Services& s) {
  router.add(Method::del, "/auth/session", the_session, [&s](Request const& r, PathParams const&) { return logout(s, r); });
  router.add(Method::get, "/auth/sessions", caller_with(auth::Scope::sessions_read),
             [&s](Request const& r, PathParams const&) { return list_sessions(s, r); });
  router.add(Method::del, "/auth/sessions", the_session,
             [&s](Request const& r, PathParams const&) { return revoke_all(s, r); });
  router.add(Method::del, "/auth/sessions/{id}", the_session,
             [&s](Request const& r, PathParams const& p) { return revoke_one(s, r, p); });
}

}  // namespace gatehouse::api
