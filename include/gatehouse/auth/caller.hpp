#pragma once
// Who is calling, with what credential, allowed to do what. A session token carries every scope;
// an API key carries the scopes it was created with. A user's session may act under one of the
// user's own keys (X-Use-Api-Key): then both are set and the key's scopes apply.
#include "gatehouse/auth/api_key_registry.hpp"
#include "gatehouse/auth/scopes.hpp"
#include "gatehouse/auth/session_registry.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::auth {

struct Caller {
  SessionPtr session;  // the session token presented, if one was
  ApiKeyPtr api_key;   // the key presented, or the one the session acts under
  store::PrincipalKind kind = store::PrincipalKind::anonymous;
  Scopes scopes;

  static Caller of_session(SessionPtr session);
  static Caller of_api_key(ApiKeyPtr key);

  // Owned by the session or the key this caller holds (no copy on the hot path).
  std::string const& principal_id() const { return session ? session->principal_id : api_key->user_id; }

  // Throws Failure(missing_scope) naming the scope.
  void require(Scope scope) const;

  // The session is revoked, or the key deactivated.
  bool revoked() const;
  // The earliest of the session's and the key's expiry; nullopt: a key that never expires.
  std::optional<UnixSeconds> expires_at() const;
  // The ids whose revocation must close this caller's streams (a session id, a key id, or both).
  std::vector<std::string> credential_ids() const;
};

}  // namespace gatehouse::auth
