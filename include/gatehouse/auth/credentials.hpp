#pragma once
// Where a request's credential comes from, decided once per request (Envoy jwt_authn's
// Extractor): the headers and, on the stream routes, the query parameters a browser can set,
// in one order, into one typed Credential. Nothing here looks anything up; the Authenticator
// verifies what the extractor found. Adding a kind of credential is one CredentialKind value,
// one rule in extract_credential and one verifier in the Authenticator.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::auth {

enum class CredentialKind {
  none,           // nothing presented (or an Authorization scheme we do not take)
  malformed,      // a Bearer token of no known shape
  session_token,  // gs_...
  api_key,        // <prefix>... with its checksum
  clerk_jwt,      // a compact JWS
  stream_ticket,  // ?ticket=gt_...
};

enum class CredentialSource {
  none,
  authorization_bearer,   // Authorization: Bearer <token>
  authorization_api_key,  // Authorization: API-Key <key>
  authorization_other,    // Authorization with a scheme we do not take
  x_api_key,              // X-API-Key
  ticket_query,           // ?ticket= (streams only)
  access_token_query,     // ?access_token= (RFC 6750 §2.3; streams only)
};

std::string_view to_string(CredentialKind kind);

// What the HTTP layer found, before any interpretation. The query values are set only on the
// routes a browser opens without headers (SSE, WebSocket).
struct PresentedCredentials {
  std::string_view authorization;  // Authorization
  std::string_view api_key;        // X-API-Key
  std::string_view use_api_key;    // X-Use-Api-Key: the id of a key a user's session acts under
  std::optional<std::string> ticket;
  std::optional<std::string> access_token;
};

// The one credential a request presents. `token` views into the PresentedCredentials it was
// extracted from, which must outlive it.
struct Credential {
  CredentialKind kind = CredentialKind::none;
  CredentialSource source = CredentialSource::none;
  std::string_view token;
  std::string_view use_api_key;  // trimmed; empty when absent
};

// The token of an "Authorization: <scheme> <token>" header (scheme case-insensitive); nullopt
// when the header is absent, empty, or of another scheme.
std::optional<std::string_view> scheme_token(std::string_view authorization, std::string_view scheme);
inline std::optional<std::string_view> bearer_token(std::string_view authorization) {
  return scheme_token(authorization, "bearer");
}

// What kind of token a bearer string is, by its shape alone. A string is taken for an API key
// by the current prefix (so a broken key gets "invalid api key"), or by a whole valid key shape
// (keys minted under an earlier prefix).
CredentialKind classify_token(std::string_view token, std::string_view api_key_prefix);

// Precedence: X-API-Key; then the Authorization header (API-Key, or Bearer classified by
// shape; any other scheme counts as presented and is refused, so a query parameter cannot
// stand in for it); then ?ticket=; then ?access_token=.
Credential extract_credential(PresentedCredentials const& presented, std::string_view api_key_prefix);

}  // namespace gatehouse::auth
