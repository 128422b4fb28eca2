// GET /dev/ and /dev/{asset}: the browser example (examples/browser/), only with --dev. Without
// --dev the routes do not exist (404 like any unknown path). They are not part of the API, so
// docs/openapi.json does not list them; the OpenAPI test checks the production route table and
// that --dev adds nothing but these (see docs/development.md).
#include "gatehouse/api/dev_page.hpp"
#include "gatehouse/api/routes.hpp"

#include <algorithm>
#include <cctype>

namespace gatehouse::api {

namespace {

// Only a plain host[:port] goes into the policy; anything else would let a client write
// arbitrary text into a response header.
bool is_plain_host(std::string_view host) {
  return !host.empty() && host.size() <= 255 && std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}

// The page loads only its own files and talks only to this server: its HTTP routes ('self'),
// and the WebSocket at the same host (CSP 2 browsers do not count ws: as 'self').
std::string content_security_policy(std::string_view host) {
  std::string connect = "'self'";
  if (is_plain_host(host)) {
    connect += " ws://" + std::string(host) + " wss://" + std::string(host);
  }
  return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src " + connect +
         "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}

Response asset_response(Request const& req, DevPageAsset const& asset) {
  Response r;
  r.body = std::string(asset.body);
  r.content_type = asset.content_type;
  r.headers.emplace_back("Content-Security-Policy", content_security_policy(req.header("Host")));
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  r.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  r.headers.emplace_back("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  return r;
}

boost::asio::awaitable<Response> index(Request const& req, PathParams const&) {
  auto const* page = find_dev_page_asset("index.html");
  if (!page) throw Failure(ErrorCode::route_not_found);
  co_return asset_response(req, *page);
}

boost::asio::awaitable<Response> asset(Request const& req, PathParams const& params) {
  auto const* found = find_dev_page_asset(params[0]);
  if (!found) throw Failure(ErrorCode::route_not_found);
  co_return asset_response(req, *found);
}

// The page's relative links need the trailing slash.
boost::asio::awaitable<Response> to_index(Request const&, PathParams const&) {
  Response r = empty_response(308);
  r.headers.emplace_back("Location", "/dev/");
  co_return r;
}

}  // namespace

void add_dev_page_routes(Router& router, Services& services) {
  if (!services.options.dev) return;
  router.add(Method::get, "/dev", to_index);
  router.add(Method::get, "/dev/", index);
  router.add(Method::get, "/dev/{asset}", asset);
}

}  // namespace gatehouse::api
