#pragma once
// Turns a presented credential into an authenticated caller, or a Failure with the contract's
// reason. Session tokens and API keys: an O(1) in-memory lookup by SHA-256, no database access.
// Clerk JWTs: RS256 against the current JWKS, with one rate-limited refetch on an unknown kid.
#include "gatehouse/auth/api_key_registry.hpp"
#include "gatehouse/auth/api_key_usage.hpp"
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/auth/jwks_provider.hpp"
#include "gatehouse/auth/jwt_verifier.hpp"
#include "gatehouse/auth/session_registry.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string_view>

namespace gatehouse::auth {

// The token of an "Authorization: <scheme> <token>" header (scheme case-insensitive); nullopt
// when the header is absent, empty, or of another scheme.
std::optional<std::string_view> scheme_token(std::string_view authorization, std::string_view scheme);
inline std::optional<std::string_view> bearer_token(std::string_view authorization) {
  return scheme_token(authorization, "bearer");
}

// The credential headers of a request, as the HTTP layer found them.
struct PresentedCredentials {
  std::string_view authorization;  // Authorization
  std::string_view api_key;        // X-API-Key
  std::string_view use_api_key;    // X-Use-Api-Key: the id of a key a user session acts under
};

// The API key a request presents, by precedence: X-API-Key, then "Authorization: API-Key", then
// a Bearer token that carries the key prefix.
std::optional<std::string_view> presented_api_key(PresentedCredentials const& presented, std::string_view prefix);

class Authenticator {
 public:
  // jwks may be null: no JWKS configured, so JWT routes answer "JWKS not loaded".
  Authenticator(SessionRegistry const& sessions, ApiKeyRegistry const& keys, ApiKeyUsage& key_usage,
                std::string api_key_prefix, JwksProvider* jwks, JwtPolicy policy)
      : sessions_(sessions),
        keys_(keys),
        key_usage_(key_usage),
        api_key_prefix_(std::move(api_key_prefix)),
        jwks_(jwks),
        policy_(std::move(policy)) {}

  // A session token or an API key, whichever the request presents (the key wins), with the
  // X-Use-Api-Key choice applied to a user's session. Throws Failure.
  Caller caller(PresentedCredentials const& presented, UnixSeconds now) const;

  // A live session for the token. Throws Failure: missing_bearer_token (no token),
  // invalid_token (malformed, unknown, revoked, or a JWT where a session token is needed),
  // token_expired.
  SessionPtr session(std::optional<std::string_view> token, UnixSeconds now) const;

  // An active, unexpired key, its use noted. Throws Failure: invalid_api_key (malformed, bad
  // checksum, unknown, revoked), api_key_expired.
  ApiKeyPtr api_key(std::string_view key, UnixSeconds now) const;

  // A session token or an API key in one string (?access_token=, the Bearer token).
  Caller token(std::string_view token, UnixSeconds now) const;

  // The caller a stream ticket was bound to (a session id or an API key id). Throws Failure.
  Caller ticket_holder(std::string const& credential_id, UnixSeconds now) const;

  std::string_view api_key_prefix() const { return api_key_prefix_; }

  // Verified claims of a Clerk JWT. Throws Failure: invalid_token, invalid_authorized_party,
  // jwks_not_loaded.
  boost::asio::awaitable<JwtClaims> clerk_jwt(std::string_view token) const;

 private:
  SessionRegistry const& sessions_;
  ApiKeyRegistry const& keys_;
  ApiKeyUsage& key_usage_;
  std::string api_key_prefix_;
  JwksProvider* jwks_;
  JwtPolicy policy_;

  SessionPtr live_session(SessionPtr session, UnixSeconds now) const;
  ApiKeyPtr usable_key(ApiKeyPtr key, UnixSeconds now) const;
};

}  // namespace gatehouse::auth
