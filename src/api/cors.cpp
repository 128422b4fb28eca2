#include "gatehouse/api/cors.hpp"

#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/errors.hpp"

#include <algorithm>

namespace gatehouse::api {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_origin(std::string_view o) {
  std::string_view rest;
  if (o.starts_with("https://")) {
    rest = o.substr(8);
  } else if (o.starts_with("http://")) {
    rest = o.substr(7);
  } else {
    return false;
  }
  if (rest.empty()) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':' || c == '[' || c == ']';
  });
}

constexpr std::string_view allowed_methods = "GET, POST, PUT, DELETE";
constexpr std::string_view allowed_headers =
    "Authorization, Content-Type, X-API-Key, X-Use-Api-Key, Last-Event-ID, X-Request-Id";
// Headers a page may read beyond the CORS-safelisted ones.
constexpr std::string_view exposed_headers = "Retry-After, WWW-Authenticate, X-Request-Id";

}  // namespace

std::optional<CorsPolicy> CorsPolicy::parse(std::string_view list) {
  CorsPolicy policy;
  while (!list.empty()) {
    auto const comma = list.find(',');
    std::string_view const entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    // Origins compare exactly (RFC 6454 serialisation is lower case, no trailing slash).
    if (!is_origin(entry)) return std::nullopt;
    policy.origins_.emplace_back(entry);
  }
  return policy;
}

bool CorsPolicy::allows(std::string_view origin) const {
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::optional<Response> CorsPolicy::preflight(Request const& req) const {
  if (req.method != Method::options) return std::nullopt;
  std::string_view const origin = req.header("Origin");
  if (origin.empty() || req.header("Access-Control-Request-Method").empty()) return std::nullopt;
  if (!allows(origin)) return error_response(Failure(ErrorCode::forbidden, "Origin not allowed"));
  Response res = empty_response(204);
  res.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  res.headers.emplace_back("Access-Control-Allow-Methods", std::string(allowed_methods));
  res.headers.emplace_back("Access-Control-Allow-Headers", std::string(allowed_headers));
  res.headers.emplace_back("Access-Control-Max-Age", "600");
  res.headers.emplace_back("Vary", "Origin");
  return res;
}

void CorsPolicy::decorate(Request const& req, Response& res) const {
  if (origins_.empty()) return;
  // Whether the answer has CORS headers depends on Origin: caches must know.
  res.headers.emplace_back("Vary", "Origin");
  std::string_view const origin = req.header("Origin");
  if (origin.empty() || !allows(origin)) return;
  res.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  res.headers.emplace_back("Access-Control-Expose-Headers", std::string(exposed_headers));
}

}  // namespace gatehouse::api
