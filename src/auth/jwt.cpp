#include "gatehouse/auth/jwt.hpp"

#include "gatehouse/crypto/base64url.hpp"
#include "gatehouse/json/strict_json.hpp"

#include <boost/json/object.hpp>

#include <algorithm>

namespace gatehouse::auth {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

}  // namespace

bool looks_like_jwt(std::string_view token) { return std::count(token.begin(), token.end(), '.') == 2; }

std::variant<Jwt, JwtStatus> parse_jwt(std::string_view token) {
  if (token.size() > max_jwt_size) return JwtStatus::too_large;

  auto const first = token.find('.');
  if (first == std::string_view::npos) return JwtStatus::malformed;
  auto const second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return JwtStatus::malformed;
  }
  std::string_view const header_b64 = token.substr(0, first);
  std::string_view const payload_b64 = token.substr(first + 1, second - first - 1);
  std::string_view const signature_b64 = token.substr(second + 1);
  // An empty signature is how "alg":"none" tokens look; empty parts are never valid here.
  if (header_b64.empty() || payload_b64.empty() || signature_b64.empty()) return JwtStatus::malformed;

  auto header_text = crypto::base64url_decode(header_b64);
  auto payload_text = crypto::base64url_decode(payload_b64);
  auto signature = crypto::base64url_decode(signature_b64);
  if (!header_text || !payload_text || !signature) return JwtStatus::bad_encoding;

  auto header_value = json::parse_strict(*header_text, nullptr, 4);
  if (!header_value || !header_value->is_object()) return JwtStatus::bad_header;
  auto const& header = header_value->get_object();

  // RFC 8725 §3.1: the algorithm is ours to choose, never the token's.
  auto const* alg = header.if_contains("alg");
  if (!alg || !alg->is_string() || alg->get_string() != "RS256") return JwtStatus::unsupported_alg;
  // RFC 7515 §4.1.11: extensions we do not understand in crit make the token invalid; we
  // understand none, so any crit (including RFC 7797's b64) is refused.
  if (header.contains("crit")) return JwtStatus::unsupported_crit;
  if (auto const* typ = header.if_contains("typ")) {
    if (!typ->is_string() || !iequals(typ->get_string(), "JWT")) return JwtStatus::unsupported_typ;
  }
  auto const* kid = header.if_contains("kid");
  if (!kid || !kid->is_string() || kid->get_string().empty()) return JwtStatus::missing_kid;

  Jwt jwt;
  jwt.kid = std::string(kid->get_string());
  jwt.signing_input = std::string(token.substr(0, second));
  jwt.payload_json = std::move(*payload_text);
  jwt.signature = std::move(*signature);
  return jwt;
}

}  // namespace gatehouse::auth
