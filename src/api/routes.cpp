// The server's whole route table in one list, so the server and the test that holds the
// OpenAPI document to it cannot disagree about what is served.
#include "gatehouse/api/routes.hpp"

namespace gatehouse::api {

void add_all_routes(Router& router, Services& services) {
  add_health_routes(router, services);
  add_auth_routes(router, services);
  add_session_routes(router, services);
  add_refresh_routes(router, services);
  add_research_routes(router, services);
  add_secret_routes(router, services);
  add_stream_routes(router, services);
  add_api_key_routes(router, services);
  add_metrics_routes(router, services);
  add_openapi_routes(router, services);
  add_dev_page_routes(router, services);
}

}  // namespace gatehouse::api
