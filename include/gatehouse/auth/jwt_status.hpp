#pragma once
// Every way a JWT can be refused has a name; tests assert the exact status, and the reason
// string is what clients see after "Invalid token: ".
#include <string_view>

namespace gatehouse::auth {

enum class JwtStatus {
  ok,
  too_large,
  malformed,            // not three dot-separated segments
  bad_encoding,         // a segment is not strict base64url
  bad_header,           // header is not a JSON object
  bad_payload,          // payload is not a JSON object
  unsupported_alg,      // alg is not exactly RS256 (none, HS256, RS512, ...)
  unsupported_typ,      // typ present and not "JWT"
  unsupported_crit,     // any crit header: we understand no extensions
  missing_kid,
  unknown_kid,
  bad_signature,
  missing_exp,
  bad_claim,            // a registered claim of the wrong type
  expired,
  not_yet_valid,
  issued_in_future,
  wrong_issuer,
  invalid_authorized_party,
  missing_sub,
};

// The text after "Invalid token: " (invalid_authorized_party has its own contract detail).
std::string_view reason(JwtStatus status);

}  // namespace gatehouse::auth
