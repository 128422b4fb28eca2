#pragma once
// Turns a presented credential into an authenticated caller, or a Failure with the contract's
// reason. Session tokens: an O(1) in-memory lookup by SHA-256, no database access. Clerk JWTs:
// RS256 against the current JWKS, with one rate-limited refetch on an unknown kid.
#include "gatehouse/auth/jwks_provider.hpp"
#include "gatehouse/auth/jwt_verifier.hpp"
#include "gatehouse/auth/session_registry.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string_view>

namespace gatehouse::auth {

// The token of an "Authorization: Bearer <token>" header (scheme case-insensitive);
// nullopt when the header is absent, empty, or of another scheme.
std::optional<std::string_view> bearer_token(std::string_view authorization);

class Authenticator {
 public:
  // jwks may be null: no JWKS configured, so JWT routes answer "JWKS not loaded".
  Authenticator(SessionRegistry const& sessions, JwksProvider* jwks, JwtPolicy policy)
      : sessions_(sessions), jwks_(jwks), policy_(std::move(policy)) {}

  // A live session for the token. Throws Failure: missing_bearer_token (no token),
  // invalid_token (malformed, unknown, revoked, or a JWT where a session token is needed),
  // token_expired.
  SessionPtr session(std::optional<std::string_view> token, UnixSeconds now) const;

  // Verified claims of a Clerk JWT. Throws Failure: invalid_token, invalid_authorized_party,
  // jwks_not_loaded.
  boost::asio::awaitable<JwtClaims> clerk_jwt(std::string_view token) const;

 private:
  SessionRegistry const& sessions_;
  JwksProvider* jwks_;
  JwtPolicy policy_;
};

}  // namespace gatehouse::auth
