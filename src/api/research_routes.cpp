// POST /research, GET /research, GET /research/{id}, POST /research/{id}/events.
#include "gatehouse/api/json_body.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/domain/research.hpp"
#include "gatehouse/errors.hpp"

#include <boost/json/serialize.hpp>

namespace gatehouse::api {

namespace {

constexpr std::size_t max_title_size = 500;
constexpr std::size_t max_event_name_size = 100;

boost::json::object research_json(store::ResearchRecord const& r) {
  return {{"id", r.id},
          {"title", r.title},
          {"status", store::to_string(r.status)},
          {"owner_id", r.owner_id},
          {"created_at", rfc3339(r.created_at)}};
}

boost::asio::awaitable<Response> create(Services& s, Request const& req) {
  auto const& caller = req.caller();
  auto const body = json_object_body(req);
  std::string const title = required_string(body, "title", max_title_size);
  auto const record = co_await s.domain.research.create(caller.principal_id(), title);
  co_return json_response(201, research_json(record));
}

boost::asio::awaitable<Response> list(Services& s, Request const& req) {
  auto const& caller = req.caller();
  auto const items = co_await s.domain.research.list(caller.principal_id());
  boost::json::array out;
  for (auto const& r : items) out.push_back(research_json(r));
  co_return json_response(200, boost::json::object{{"items", std::move(out)}});
}

boost::asio::awaitable<Response> get_one(Services& s, Request const& req, PathParams const& params) {
  auto const& caller = req.caller();
  auto const item = co_await s.domain.research.find(std::string(params[0]), caller.principal_id());
  if (!item) throw Failure(ErrorCode::research_not_found);
  co_return json_response(200, research_json(*item));
}

boost::asio::awaitable<Response> post_event(Services& s, Request const& req, PathParams const& params) {
  auto const& caller = req.caller();
  auto const body = json_object_body(req);
  std::string const event = required_string(body, "event", max_event_name_size);
  // The name goes on an SSE "event:" line: a line break in it would forge stream fields.
  for (char c : event) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw Failure(ErrorCode::invalid_body, "event must not contain control characters");
    }
  }
  auto const* data = body.if_contains("data");
  // Serialized once, here; subscribers get these exact bytes.
  std::string const data_json = data ? boost::json::serialize(*data) : std::string("null");
  auto const posted = co_await s.domain.research.post_event(std::string(params[0]), caller.principal_id(), event, data_json);
  co_return json_response(201, boost::json::object{{"seq", posted.seq}});
}

}  // namespace

void add_research_routes(Router& router, Services& s) {
  router.add(Method::post, "/research", caller_with(auth::Scope::research_write),
             [&s](Request const& r, PathParams const&) { return create(s, r); });
  router.add(Method::get, "/research", caller_with(auth::Scope::research_read),
             [&s](Request const& r, PathParams const&) { return list(s, r); });
  router.add(Method::get, "/research/{id}", caller_with(auth::Scope::research_read),
             [&s](Request const& r, PathParams const& p) { return get_one(s, r, p); });
  router.add(Method::post, "/research/{id}/events", caller_with(auth::Scope::research_write),
             [&s](Request const& r, PathParams const& p) { return post_event(s, r, p); });
}

}  // namespace gatehouse::api
