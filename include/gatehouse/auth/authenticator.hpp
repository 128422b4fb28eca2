#pragma once
// Turns the credential a request presents into an authenticated caller, or a Failure with the
// contract's reason: one verifier per kind of credential, behind one entry point. Session
// tokens, API keys and stream tickets: an O(1) in-memory lookup by SHA-256, no database access.
// Clerk JWTs: RS256 against the current JWKS, with one rate-limited refetch on an unknown kid.
// Every check takes `now` from its caller: no hidden clock reads.
#include "gatehouse/auth/api_key_registry.hpp"
#include "gatehouse/auth/api_key_usage.hpp"
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/auth/credential_misses.hpp"
#include "gatehouse/auth/credentials.hpp"
#include "gatehouse/auth/jwks_provider.hpp"
#include "gatehouse/auth/jwt_verifier.hpp"
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/auth/stream_tickets.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

namespace gatehouse::auth {

struct AuthenticatorParts {
  SessionRegistry const& sessions;
  ApiKeyRegistry const& keys;
  ApiKeyUsage& key_usage;
  StreamTickets& tickets;
  JwksProvider* jwks = nullptr;  // null: no JWKS configured, so JWT routes answer "JWKS not loaded"
};

struct AuthenticatorOptions {
  std::string api_key_prefix = "gk_";
  JwtPolicy jwt;
  // Several nodes: a session token, API key or ticket missing from memory may have been minted
  // on another node a moment ago; say NotInMemory (once per credential in a while) instead of
  // refusing, so that the caller can look it up.
  bool misses_may_be_elsewhere = false;
};

class Authenticator {
 public:
  Authenticator(AuthenticatorParts parts, AuthenticatorOptions options)
      : parts_(parts), options_(std::move(options)) {}

  // The one credential a request presents (see extract_credential).
  Credential extract(PresentedCredentials const& presented) const {
    return extract_credential(presented, options_.api_key_prefix);
  }

  // The one entry point from credential to caller, with X-Use-Api-Key applied to a user's
  // session; answered from memory. Throws Failure: missing_bearer_token (nothing presented),
  // invalid_token (malformed, unknown, revoked, a JWT where a session token is needed, a used
  // ticket), token_expired, invalid_api_key, api_key_expired.
  Caller authenticate(Credential const& credential, UnixSeconds now) const;

  // Verified claims of a Clerk JWT (POST /auth/session, rebind). Throws Failure: invalid_token,
  // invalid_authorized_party, jwks_not_loaded.
  boost::asio::awaitable<JwtClaims> verify_clerk_jwt(std::string_view token, UnixSeconds now) const;

  std::string_view api_key_prefix() const { return options_.api_key_prefix; }

  // What a lookup after NotInMemory did not find: refused from memory for a moment.
  void note_not_found(crypto::Sha256Digest const& hash, UnixSeconds now) const { misses_.note(hash, now); }

 private:
  AuthenticatorParts parts_;
  AuthenticatorOptions options_;
  mutable CredentialMisses misses_;

  // Throws NotInMemory when a miss may be a credential minted elsewhere not yet heard of.
  void check_elsewhere(CredentialKind kind, crypto::Sha256Digest const& hash, UnixSeconds now) const;

  Caller session_caller(std::string_view token, std::string_view use_api_key, UnixSeconds now) const;
  Caller api_key_caller(std::string_view key, UnixSeconds now) const;
  Caller ticket_caller(std::string_view ticket, UnixSeconds now) const;
  SessionPtr live_session(SessionPtr session, UnixSeconds now) const;
  ApiKeyPtr usable_key(ApiKeyPtr key, UnixSeconds now) const;
};

}  // namespace gatehouse::auth
