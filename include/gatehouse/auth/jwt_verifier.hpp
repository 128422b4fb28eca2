#pragma once
// RS256 verification of a parsed JWT against a JWKS, and validation of its claims.
#include "gatehouse/auth/jwks.hpp"
#include "gatehouse/auth/jwt.hpp"
#include "gatehouse/util/clock.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::auth {

struct JwtPolicy {
  std::optional<std::string> issuer;            // iss must equal this when set
  std::vector<std::string> authorized_parties;  // azp required and among these when non-empty
  UnixSeconds clock_skew = 5;
};

// The claims gatehouse uses from a Clerk session token.
struct JwtClaims {
  std::string sub;
  std::optional<std::string> sid;
  std::optional<std::string> azp;
  std::optional<std::string> email;
  std::optional<std::string> name;
  UnixSeconds exp = 0;
};

struct JwtVerification {
  JwtStatus status = JwtStatus::ok;
  JwtClaims claims;  // filled when status == ok
};

// Signature first, then claims: nothing in the payload is trusted before the signature holds.
JwtVerification verify_jwt(Jwt const& jwt, Jwks const& jwks, JwtPolicy const& policy, UnixSeconds now);

}  // namespace gatehouse::auth
