// DELETE /auth/session, GET /auth/sessions, DELETE /auth/sessions/{id}, DELETE /auth/sessions.
#include "gatehouse/api/services.hpp"
#include "gatehouse/errors.hpp"

#include <algorithm>

namespace gatehouse::api {

namespace {

boost::asio::awaitable<Response> logout(Services& s, Request const& req) {
  auto const session = require_session(s, req);
  std::vector<std::string> ids{session->id};
  co_await revoke_sessions(s, std::move(ids));
  co_return empty_response(204);
}

boost::asio::awaitable<Response> list_sessions(Services& s, Request const& req) {
  auto const caller = require_caller(s, req, auth::Scope::sessions_read);
  UnixSeconds const now = now_unix();
  auto sessions = s.sessions.of_principal(caller.principal_id());
  std::erase_if(sessions, [now](auth::SessionPtr const& x) { return !x->live(now); });
  std::sort(sessions.begin(), sessions.end(), [](auto const& a, auto const& b) {
    return a->created_at != b->created_at ? a->created_at < b->created_at : a->id < b->id;
  });
  boost::json::array items;
  for (auto const& x : sessions) {
    items.push_back(boost::json::object{
        {"id", x->id},
        {"kind", store::to_string(x->kind)},
        {"created_at", rfc3339(x->created_at)},
        {"expires_at", rfc3339(x->expires_at.load())},
        {"user_agent", x->user_agent ? boost::json::value(*x->user_agent) : boost::json::value(nullptr)},
        {"current", caller.session && x->id == caller.session->id},
    });
  }
  co_return json_response(200, boost::json::object{{"sessions", std::move(items)}});
}

boost::asio::awaitable<Response> revoke_one(Services& s, Request const& req, PathParams const& params) {
  auto const caller = require_session(s, req);
  auto const target = s.sessions.find_by_id(std::string(params[0]));
  // Another principal's session is indistinguishable from a missing one.
  if (!target || target->principal_id != caller->principal_id || !target->live(now_unix())) {
    throw Failure(ErrorCode::session_not_found);
  }
  std::vector<std::string> ids{target->id};
  co_await revoke_sessions(s, std::move(ids));
  co_return empty_response(204);
}

boost::asio::awaitable<Response> revoke_all(Services& s, Request const& req) {
  auto const caller = require_session(s, req);
  bool include_current = false;
  if (auto v = req.query_param("include_current")) {
    if (*v == "true" || *v == "1") {
      include_current = true;
    } else if (*v != "false" && *v != "0") {
      throw Failure(ErrorCode::invalid_body, "include_current must be true or false");
    }
  }
  UnixSeconds const now = now_unix();
  std::vector<std::string> ids;
  for (auto const& x : s.sessions.of_principal(caller->principal_id)) {
    if (x->live(now) && (include_current || x->id != caller->id)) ids.push_back(x->id);
  }
  std::size_t const n = co_await revoke_sessions(s, std::move(ids));
  co_return json_response(200, boost::json::object{{"revoked", n}});
}

}  // namespace

void add_session_routes(Router& router, Services& s) {
  router.add(Method::del, "/auth/session", [&s](Request const& r, PathParams const&) { return logout(s, r); });
  router.add(Method::get, "/auth/sessions", [&s](Request const& r, PathParams const&) { return list_sessions(s, r); });
  router.add(Method::del, "/auth/sessions", [&s](Request const& r, PathParams const&) { return revoke_all(s, r); });
  router.add(Method::del, "/auth/sessions/{id}",
             [&s](Request const& r, PathParams const& p) { return revoke_one(s, r, p); });
}

}  // namespace gatehouse::api
