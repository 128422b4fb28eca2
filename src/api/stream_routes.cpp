// GET /research/{id}/events (SSE) and GET /ws (WebSocket): authenticate and validate here, in
// request/response mode, so a refusal is the usual JSON error; then hand the connection over.
#include "gatehouse/api/routes.hpp"
#include "gatehouse/api/response.hpp"
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/domain/research.hpp"
#include "gatehouse/errors.hpp"

#include <charconv>

namespace gatehouse::api {

namespace {

// Connecting extends the session (an API key has no session to extend).
void extend_on_connect(Services& s, auth::Caller const& caller) {
  if (caller.session) s.extender.extend(*caller.session, now_unix());
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
  auth::Caller caller = req.caller();
  std::int64_t const after = last_event_id(req);
  std::string research_id(params[0]);
  auto const item = co_await s.domain.research.find(research_id, caller.principal_id());
  if (!item) throw Failure(ErrorCode::research_not_found);
  extend_on_connect(s, caller);
  Response r;
  r.upgrade = std::make_shared<StreamUpgrade const>(
      StreamUpgrade{StreamUpgrade::Kind::sse, std::move(caller), std::move(research_id), after});
  co_return r;
}

boost::asio::awaitable<Response> websocket(Services& s, Request const& req) {
  auth::Caller caller = req.caller();
  if (!req.websocket_upgrade) throw Failure(ErrorCode::upgrade_required);
  extend_on_connect(s, caller);
  Response r;
  r.upgrade = std::make_shared<StreamUpgrade const>(StreamUpgrade{StreamUpgrade::Kind::websocket, std::move(caller), {}, 0});
  co_return r;
}

}  // namespace

void add_stream_routes(Router& router, Services& s) {
  // Browsers cannot set headers on EventSource or WebSocket: besides the credential headers, a
  // single-use ?ticket= (preferred) or an RFC 6750 ?access_token= (a session token or an API
  // key) is accepted, in the extractor's order. Every stream needs research.read.
  router.add(Method::get, "/research/{id}/events", stream_with(auth::Scope::research_read),
             [&s](Request const& r, PathParams const& p) { return research_events(s, r, p); });
  router.add(Method::get, "/ws", stream_with(auth::Scope::research_read),
             [&s](Request const& r, PathParams const&) { return websocket(s, r); });
}

}  // namespace gatehouse::api
