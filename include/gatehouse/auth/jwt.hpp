#pragma once
// Parsing of a compact JWS (RFC 7515 §7.1) as far as is safe before the signature is checked:
// the structure, strict base64url of all three segments, and the protected header.
// The payload is only decoded here; its claims are read after the signature verifies.
#include "gatehouse/auth/jwt_status.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace gatehouse::auth {

// Tokens above this size are refused before any decoding.
inline constexpr std::size_t max_jwt_size = 8 * 1024;

struct Jwt {
  std::string kid;
  std::string signing_input;  // base64url(header) "." base64url(payload): the signed bytes
  std::string payload_json;   // decoded, not yet parsed
  std::string signature;      // decoded
};

// Checks the header rules that do not need a key: alg == "RS256", typ, crit, kid present.
std::variant<Jwt, JwtStatus> parse_jwt(std::string_view token);

// True when the token has the shape of a compact JWS (two dots), as opposed to an opaque token.
bool looks_like_jwt(std::string_view token);

}  // namespace gatehouse::auth
