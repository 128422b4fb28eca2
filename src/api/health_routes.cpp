// GET /health: liveness, no dependencies.
#include "gatehouse/api/services.hpp"

namespace gatehouse::api {

void add_health_routes(Router& router, Services&) {
  router.add(Method::get, "/health", [](Request const&, PathParams const&) -> boost::asio::awaitable<Response> {
    co_return json_response(200, boost::json::object{{"status", "ok"}});
  });
}

}  // namespace gatehouse::api
