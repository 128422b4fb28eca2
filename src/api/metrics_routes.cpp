// GET /metrics: the Prometheus text exposition of the process registry. Unauthenticated, like
// /health and /ready: it holds counts by route pattern, never a path, id or credential (see
// docs/operations.md for keeping it off the public internet).
#include "gatehouse/api/routes.hpp"
#include "gatehouse/metrics/registry.hpp"

namespace gatehouse::api {

namespace {

boost::asio::awaitable<Response> scrape(Request const&, PathParams const&) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics::registry().render();
  co_return r;
}

}  // namespace

void add_metrics_routes(Router& router, Services&) { router.add(Method::get, "/metrics", scrape); }

}  // namespace gatehouse::api
