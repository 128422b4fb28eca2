#include "gatehouse/auth/caller.hpp"

#include "gatehouse/errors.hpp"

#include <algorithm>

namespace gatehouse::auth {

Caller Caller::of_session(SessionPtr session) {
  Caller c;
  c.kind = session->kind;
  c.scopes = Scopes::all();
  c.session = std::move(session);
  return c;
}

Caller Caller::of_api_key(ApiKeyPtr key) {
  Caller c;
  c.kind = store::PrincipalKind::user;  // only signed-in users own keys
  c.scopes = key->scopes;
  c.api_key = std::move(key);
  return c;
}

void Caller::require(Scope scope) const {
  if (!scopes.has(scope)) throw Failure(ErrorCode::missing_scope, std::string(to_string(scope)));
}

bool Caller::revoked() const {
  return (session && session->revoked.load()) || (api_key && !api_key->active.load());
}

std::optional<UnixSeconds> Caller::expires_at() const {
  std::optional<UnixSeconds> at;
  if (session) at = session->expires_at.load();
  if (api_key && api_key->expires_at) at = std::min(at.value_or(*api_key->expires_at), *api_key->expires_at);
  return at;
}

std::vector<std::string> Caller::credential_ids() const {
  std::vector<std::string> ids;
  if (session) ids.push_back(session->id);
  if (api_key) ids.push_back(api_key->id);
  return ids;
}

}  // namespace gatehouse::auth
