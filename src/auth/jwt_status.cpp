#include "gatehouse/auth/jwt_status.hpp"

namespace gatehouse::auth {

std::string_view reason(JwtStatus status) {
  switch (status) {
    case JwtStatus::ok: return "ok";
    case JwtStatus::too_large: return "token too large";
    case JwtStatus::malformed: return "malformed token";
    case JwtStatus::bad_encoding: return "malformed token encoding";
    case JwtStatus::bad_header: return "malformed token header";
    case JwtStatus::bad_payload: return "malformed token payload";
    case JwtStatus::unsupported_alg: return "unsupported algorithm";
    case JwtStatus::unsupported_typ: return "unsupported token type";
    case JwtStatus::unsupported_crit: return "unsupported critical header";
    case JwtStatus::missing_kid: return "missing kid";
    case JwtStatus::unknown_kid: return "unknown kid";
    case JwtStatus::bad_signature: return "bad signature";
    case JwtStatus::missing_exp: return "missing exp";
    case JwtStatus::bad_claim: return "malformed claim";
    case JwtStatus::expired: return "token expired";
    case JwtStatus::not_yet_valid: return "token not yet valid";
    case JwtStatus::issued_in_future: return "token issued in the future";
    case JwtStatus::wrong_issuer: return "wrong issuer";
    case JwtStatus::invalid_authorized_party: return "invalid authorized party";
    case JwtStatus::missing_sub: return "missing sub";
  }
  return "invalid token";
}

}  // namespace gatehouse::auth
