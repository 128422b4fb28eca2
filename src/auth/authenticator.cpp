#include "gatehouse/auth/authenticator.hpp"

#include "gatehouse/auth/api_key_format.hpp"
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/errors.hpp"

namespace gatehouse::auth {

namespace {

[[noreturn]] void reject(JwtStatus status) {
  if (status == JwtStatus::invalid_authorized_party) throw Failure(ErrorCode::invalid_authorized_party);
  throw Failure(ErrorCode::invalid_token, std::string(reason(status)));
}

}  // namespace

Caller Authenticator::authenticate(Credential const& credential, UnixSeconds now) const {
  switch (credential.kind) {
    case CredentialKind::none: throw Failure(ErrorCode::missing_bearer_token);
    case CredentialKind::malformed: throw Failure(ErrorCode::invalid_token, "malformed token");
    case CredentialKind::session_token: return session_caller(credential.token, credential.use_api_key, now);
    case CredentialKind::api_key: return api_key_caller(credential.token, now);
    case CredentialKind::stream_ticket: return ticket_caller(credential.token, now);
    case CredentialKind::clerk_jwt:
      throw Failure(ErrorCode::invalid_token, "a session token is required; exchange the JWT at POST /auth/session");
  }
  throw Failure(ErrorCode::missing_bearer_token);
}

SessionPtr Authenticator::live_session(SessionPtr session, UnixSeconds now) const {
  if (!session) throw Failure(ErrorCode::invalid_token, "unknown token");
  if (session->revoked.load()) throw Failure(ErrorCode::invalid_token, "token revoked");
  if (now >= session->expires_at.load()) throw Failure(ErrorCode::token_expired);
  // At most one store per session per second, however busy: the hot path stays a load.
  if (session->last_seen.load(std::memory_order_relaxed) < now) session->last_seen.store(now, std::memory_order_relaxed);
  return session;
}

void Authenticator::check_elsewhere(CredentialKind kind, crypto::Sha256Digest const& hash, UnixSeconds now) const {
  if (options_.misses_may_be_elsewhere && !misses_.recently_missed(hash, now)) throw NotInMemory(kind, hash);
}

Caller Authenticator::session_caller(std::string_view token, std::string_view use_api_key, UnixSeconds now) const {
  auto const hash = crypto::sha256(token);
  SessionPtr session = parts_.sessions.find_by_token_hash(hash);
  if (!session) check_elsewhere(CredentialKind::session_token, hash, now);
  Caller c = Caller::of_session(live_session(std::move(session), now));
  // Acting under a key needs the user's own usable key; anything else is ignored, and the
  // request proceeds as the user.
  if (!use_api_key.empty() && c.kind == store::PrincipalKind::user) {
    ApiKeyPtr key = parts_.keys.find_by_id(std::string(use_api_key));
    if (key && key->user_id == c.principal_id() && key->usable(now)) {
      parts_.key_usage.record(*key, now);
      c.scopes = key->scopes;
      c.api_key = std::move(key);
    }
  }
  return c;
}

ApiKeyPtr Authenticator::usable_key(ApiKeyPtr key, UnixSeconds now) const {
  if (!key || !key->active.load()) throw Failure(ErrorCode::invalid_api_key);
  if (key->expired(now)) throw Failure(ErrorCode::api_key_expired);
  parts_.key_usage.record(*key, now);
  return key;
}

Caller Authenticator::api_key_caller(std::string_view key, UnixSeconds now) const {
  // A mistyped or truncated key never reaches the lookup.
  if (check_api_key_shape(key) != ApiKeyShape::ok) throw Failure(ErrorCode::invalid_api_key);
  auto const hash = crypto::sha256(key);
  ApiKeyPtr found = parts_.keys.find_by_hash(hash);
  if (!found) check_elsewhere(CredentialKind::api_key, hash, now);
  return Caller::of_api_key(usable_key(std::move(found), now));
}

Caller Authenticator::ticket_caller(std::string_view ticket, UnixSeconds now) const {
  auto const credential_id = parts_.tickets.redeem(ticket, now);
  if (!credential_id && has_opaque_token_shape(ticket, stream_ticket_prefix)) {
    check_elsewhere(CredentialKind::stream_ticket, crypto::sha256(ticket), now);
  }
  if (!credential_id) throw Failure(ErrorCode::invalid_token, "unknown, used or expired ticket");
  // Revoked or expired since the ticket was issued: the ticket dies with its credential.
  if (ApiKeyPtr key = parts_.keys.find_by_id(*credential_id)) return Caller::of_api_key(usable_key(std::move(key), now));
  return Caller::of_session(live_session(parts_.sessions.find_by_id(*credential_id), now));
}

boost::asio::awaitable<JwtClaims> Authenticator::verify_clerk_jwt(std::string_view token, UnixSeconds now) const {
  auto parsed = parse_jwt(token);
  if (auto* status = std::get_if<JwtStatus>(&parsed)) reject(*status);
  Jwt const& jwt = std::get<Jwt>(parsed);

  std::shared_ptr<Jwks const> keys = parts_.jwks ? parts_.jwks->current() : nullptr;
  if (!keys) throw Failure(ErrorCode::jwks_not_loaded);

  JwtVerification result = verify_jwt(jwt, *keys, options_.jwt, now);
  if (result.status == JwtStatus::unknown_kid && co_await parts_.jwks->refetch_for_unknown_kid()) {
    keys = parts_.jwks->current();
    result = verify_jwt(jwt, *keys, options_.jwt, now);
  }
  if (result.status != JwtStatus::ok) reject(result.status);
  co_return std::move(result.claims);
}

}  // namespace gatehouse::auth
