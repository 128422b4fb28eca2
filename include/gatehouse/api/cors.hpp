#pragma once
// Cross-origin access for browser apps on the operator's allow-list (--cors-origins). Only a
// listed Origin is ever echoed; an unlisted one gets no CORS headers, so the browser keeps the
// response from the page. Credentials travel in headers (Authorization, X-API-Key), never
// cookies, so Access-Control-Allow-Credentials is never sent.
#include "gatehouse/api/request.hpp"
#include "gatehouse/api/response.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::api {

class CorsPolicy {
 public:
  // "https://app.example.com,http://localhost:5173"; nullopt when an entry is not an origin
  // (scheme://host[:port], no path).
  static std::optional<CorsPolicy> parse(std::string_view list);

  bool allows(std::string_view origin) const;

  // The answer to a preflight (OPTIONS with Origin and Access-Control-Request-Method);
  // nullopt for any other request.
  std::optional<Response> preflight(Request const& req) const;
  // Adds the CORS headers to an actual response when its Origin is allowed.
  void decorate(Request const& req, Response& res) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace gatehouse::api
