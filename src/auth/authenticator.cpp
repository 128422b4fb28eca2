#include "gatehouse/auth/authenticator.hpp"

#include "gatehouse/auth/api_key_format.hpp"
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/errors.hpp"

namespace gatehouse::auth {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

[[noreturn]] void reject(JwtStatus status) {
  if (status == JwtStatus::invalid_authorized_party) throw Failure(ErrorCode::invalid_authorized_party);
  throw Failure(ErrorCode::invalid_token, std::string(reason(status)));
}

// A Bearer token is taken for a key by the current prefix (so a broken key gets "invalid api
// key"), or by a whole valid key shape (keys minted under an earlier prefix).
bool looks_like_api_key(std::string_view token, std::string_view prefix) {
  return token.starts_with(prefix) || check_api_key_shape(token) == ApiKeyShape::ok;
}

}  // namespace

std::optional<std::string_view> scheme_token(std::string_view authorization, std::string_view scheme) {
  if (authorization.size() <= scheme.size() || !is_space(authorization[scheme.size()])) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    char s = scheme[i];
    if (s >= 'A' && s <= 'Z') s = static_cast<char>(s - 'A' + 'a');
    if (c != s) return std::nullopt;
  }
  std::string_view const token = trimmed(authorization.substr(scheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<std::string_view> presented_api_key(PresentedCredentials const& presented, std::string_view prefix) {
  if (auto key = trimmed(presented.api_key); !key.empty()) return key;
  if (auto key = scheme_token(presented.authorization, "api-key")) return key;
  if (auto token = bearer_token(presented.authorization); token && looks_like_api_key(*token, prefix)) return token;
  return std::nullopt;
}

Caller Authenticator::caller(PresentedCredentials const& presented, UnixSeconds now) const {
  if (auto key = presented_api_key(presented, api_key_prefix_)) return Caller::of_api_key(api_key(*key, now));
  Caller c = Caller::of_session(session(bearer_token(presented.authorization), now));
  // Acting under a key needs the user's own usable key; anything else is ignored, and the
  // request proceeds as the user.
  if (std::string_view const id = trimmed(presented.use_api_key); !id.empty() && c.kind == store::PrincipalKind::user) {
    ApiKeyPtr key = keys_.find_by_id(std::string(id));
    if (key && key->user_id == c.principal_id() && key->usable(now)) {
      key_usage_.record(*key, now);
      c.scopes = key->scopes;
      c.api_key = std::move(key);
    }
  }
  return c;
}

SessionPtr Authenticator::live_session(SessionPtr session, UnixSeconds now) const {
  if (!session) throw Failure(ErrorCode::invalid_token, "unknown token");
  if (session->revoked.load()) throw Failure(ErrorCode::invalid_token, "token revoked");
  if (now >= session->expires_at.load()) throw Failure(ErrorCode::token_expired);
  // At most one store per session per second, however busy: the hot path stays a load.
  if (session->last_seen.load(std::memory_order_relaxed) < now) session->last_seen.store(now, std::memory_order_relaxed);
  return session;
}

SessionPtr Authenticator::session(std::optional<std::string_view> token, UnixSeconds now) const {
  if (!token) throw Failure(ErrorCode::missing_bearer_token);
  if (!has_opaque_token_shape(*token, session_token_prefix)) {
    if (looks_like_jwt(*token)) {
      throw Failure(ErrorCode::invalid_token, "a session token is required; exchange the JWT at POST /auth/session");
    }
    throw Failure(ErrorCode::invalid_token, "malformed token");
  }
  return live_session(sessions_.find_by_token_hash(crypto::sha256(*token)), now);
}

ApiKeyPtr Authenticator::usable_key(ApiKeyPtr key, UnixSeconds now) const {
  if (!key || !key->active.load()) throw Failure(ErrorCode::invalid_api_key);
  if (key->expired(now)) throw Failure(ErrorCode::api_key_expired);
  key_usage_.record(*key, now);
  return key;
}

ApiKeyPtr Authenticator::api_key(std::string_view key, UnixSeconds now) const {
  // A mistyped or truncated key never reaches the lookup.
  if (check_api_key_shape(key) != ApiKeyShape::ok) throw Failure(ErrorCode::invalid_api_key);
  return usable_key(keys_.find_by_hash(crypto::sha256(key)), now);
}

Caller Authenticator::token(std::string_view token, UnixSeconds now) const {
  if (looks_like_api_key(token, api_key_prefix_)) return Caller::of_api_key(api_key(token, now));
  return Caller::of_session(session(token, now));
}

Caller Authenticator::ticket_holder(std::string const& credential_id, UnixSeconds now) const {
  // Revoked or expired since the ticket was issued: the ticket dies with its credential.
  if (ApiKeyPtr key = keys_.find_by_id(credential_id)) return Caller::of_api_key(usable_key(std::move(key), now));
  return Caller::of_session(live_session(sessions_.find_by_id(credential_id), now));
}

boost::asio::awaitable<JwtClaims> Authenticator::clerk_jwt(std::string_view token) const {
  auto parsed = parse_jwt(token);
  if (auto* status = std::get_if<JwtStatus>(&parsed)) reject(*status);
  Jwt const& jwt = std::get<Jwt>(parsed);

  std::shared_ptr<Jwks const> keys = jwks_ ? jwks_->current() : nullptr;
  if (!keys) throw Failure(ErrorCode::jwks_not_loaded);

  JwtVerification result = verify_jwt(jwt, *keys, policy_, now_unix());
  if (result.status == JwtStatus::unknown_kid && co_await jwks_->refetch_for_unknown_kid()) {
    keys = jwks_->current();
    result = verify_jwt(jwt, *keys, policy_, now_unix());
  }
  if (result.status != JwtStatus::ok) reject(result.status);
  co_return std::move(result.claims);
}

}  // namespace gatehouse::auth
