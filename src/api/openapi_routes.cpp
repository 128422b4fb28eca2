// GET /openapi.json: the OpenAPI 3.1 document of this API, as kept in docs/openapi.json and
// embedded at build time (a test holds it to the router's routes, both ways).
#include "gatehouse/api/openapi.hpp"
#include "gatehouse/api/routes.hpp"

namespace gatehouse::api {

namespace {

boost::asio::awaitable<Response> document(Request const&, PathParams const&) {
  Response r;
  r.body = std::string(openapi_document());
  co_return r;
}

}  // namespace

void add_openapi_routes(Router& router, Services&) { router.add(Method::get, "/openapi.json", document); }

}  // namespace gatehouse::api
