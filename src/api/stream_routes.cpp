// GET /research/{id}/events (SSE) and GET /ws (WebSocket): authenticate and validate here, in
// request/response mode, so a refusal is the usual JSON error; then hand the connection over.
#include "gatehouse/api/services.hpp"
#include "gatehouse/api/stream_upgrade.hpp"
#include "gatehouse/errors.hpp"
#include "gatehouse/store/research_store.hpp"

#include <charconv>

namespace gatehouse::api {

namespace {

// Browsers cannot set headers on EventSource or WebSocket: besides the Authorization header,
// a single-use ?ticket= (preferred) or an RFC 6750 ?access_token= is accepted, in that order.
auth::SessionPtr stream_session(Services const& s, Request const& req) {
  UnixSeconds const now = now_unix();
  if (auto header = auth::bearer_token(req.header("Authorization"))) return s.authenticator.session(header, now);
  if (auto ticket = req.query_param("ticket")) {
    auto const session_id = s.tickets.redeem(*ticket, now);
    if (!session_id) throw Failure(ErrorCode::invalid_token, "unknown, used or expired ticket");
    auto session = s.sessions.find_by_id(*session_id);
    if (!session || session->revoked.load()) throw Failure(ErrorCode::invalid_token, "token revoked");
    if (now >= session->expires_at.load()) throw Failure(ErrorCode::token_expired);
    return session;
  }
  if (auto token = req.query_param("access_token")) return s.authenticator.session(std::string_view(*token), now);
  throw Failure(ErrorCode::missing_bearer_token);
}

std::int64_t last_event_id(Request const& req) {
  std::string text(req.header("Last-Event-ID"));
  if (text.empty()) text = req.query_param("last_event_id").value_or("0");
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    throw Failure(ErrorCode::invalid_body, "last_event_id must be a non-negative integer");
  }
  return value;
}

boost::asio::awaitable<Response> research_events(Services& s, Request const& req, PathParams const& params) {
  auto session = stream_session(s, req);
  std::int64_t const after = last_event_id(req);
  std::string research_id(params[0]);
  bool const found = co_await s.db.read(
      [&](store::Tx& tx) { return store::find_research(tx, research_id, session->principal_id).has_value(); });
  if (!found) throw Failure(ErrorCode::research_not_found);
  s.extender.extend(*session, now_unix());
  Response r;
  r.upgrade = std::make_shared<StreamUpgrade const>(
      StreamUpgrade{StreamUpgrade::Kind::sse, std::move(session), std::move(research_id), after});
  co_return r;
}

boost::asio::awaitable<Response> websocket(Services& s, Request const& req) {
  auto session = stream_session(s, req);
  if (!req.websocket_upgrade) throw Failure(ErrorCode::upgrade_required);
  s.extender.extend(*session, now_unix());
  Response r;
  r.upgrade = std::make_shared<StreamUpgrade const>(StreamUpgrade{StreamUpgrade::Kind::websocket, std::move(session), {}, 0});
  co_return r;
}

}  // namespace

void add_stream_routes(Router& router, Services& s) {
  router.add(Method::get, "/research/{id}/events",
             [&s](Request const& r, PathParams const& p) { return research_events(s, r, p); });
  router.add(Method::get, "/ws", [&s](Request const& r, PathParams const&) { return websocket(s, r); });
}

}  // namespace gatehouse::api
