#include "gatehouse/auth/authenticator.hpp"

#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/errors.hpp"

namespace gatehouse::auth {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

[[noreturn]] void reject(JwtStatus status) {
  if (status == JwtStatus::invalid_authorized_party) throw Failure(ErrorCode::invalid_authorized_party);
  throw Failure(ErrorCode::invalid_token, std::string(reason(status)));
}

}  // namespace

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() <= scheme.size() || !is_space(authorization[scheme.size()])) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return std::nullopt;
  }
  std::string_view token = authorization.substr(scheme.size());
  while (!token.empty() && is_space(token.front())) token.remove_prefix(1);
  while (!token.empty() && is_space(token.back())) token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

SessionPtr Authenticator::session(std::optional<std::string_view> token, UnixSeconds now) const {
  if (!token) throw Failure(ErrorCode::missing_bearer_token);
  if (!has_opaque_token_shape(*token, session_token_prefix)) {
    if (looks_like_jwt(*token)) {
      throw Failure(ErrorCode::invalid_token, "a session token is required; exchange the JWT at POST /auth/session");
    }
    throw Failure(ErrorCode::invalid_token, "malformed token");
  }
  SessionPtr session = sessions_.find_by_token_hash(crypto::sha256(*token));
  if (!session) throw Failure(ErrorCode::invalid_token, "unknown token");
  if (session->revoked.load()) throw Failure(ErrorCode::invalid_token, "token revoked");
  if (now >= session->expires_at.load()) throw Failure(ErrorCode::token_expired);
  return session;
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
