#include "gatehouse/auth/credentials.hpp"

#include "gatehouse/auth/api_key_format.hpp"
#include "gatehouse/auth/jwt.hpp"
#include "gatehouse/auth/opaque_token.hpp"

namespace gatehouse::auth {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

Credential of(CredentialKind kind, CredentialSource source, std::string_view token, std::string_view use_api_key) {
  return Credential{kind, source, token, use_api_key};
}

}  // namespace

std::string_view to_string(CredentialKind kind) {
  switch (kind) {
    case CredentialKind::none: return "none";
    case CredentialKind::malformed: return "malformed";
    case CredentialKind::session_token: return "session";
    case CredentialKind::api_key: return "api_key";
    case CredentialKind::clerk_jwt: return "clerk_jwt";
    case CredentialKind::stream_ticket: return "stream_ticket";
  }
  return "none";
}

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

CredentialKind classify_token(std::string_view token, std::string_view api_key_prefix) {
  if (token.starts_with(api_key_prefix) || check_api_key_shape(token) == ApiKeyShape::ok) return CredentialKind::api_key;
  if (has_opaque_token_shape(token, session_token_prefix)) return CredentialKind::session_token;
  if (looks_like_jwt(token)) return CredentialKind::clerk_jwt;
  return CredentialKind::malformed;
}

Credential extract_credential(PresentedCredentials const& presented, std::string_view api_key_prefix) {
  std::string_view const use_api_key = trimmed(presented.use_api_key);
  if (!presented.api_key.empty()) {
    std::string_view const key = trimmed(presented.api_key);
    if (!key.empty()) return of(CredentialKind::api_key, CredentialSource::x_api_key, key, use_api_key);
  }
  if (!presented.authorization.empty()) {
    if (auto key = scheme_token(presented.authorization, "api-key")) {
      return of(CredentialKind::api_key, CredentialSource::authorization_api_key, *key, use_api_key);
    }
    if (auto token = bearer_token(presented.authorization)) {
      return of(classify_token(*token, api_key_prefix), CredentialSource::authorization_bearer, *token, use_api_key);
    }
    return of(CredentialKind::none, CredentialSource::authorization_other, {}, use_api_key);
  }
  if (!presented.api_key.empty()) return of(CredentialKind::none, CredentialSource::x_api_key, {}, use_api_key);
  if (presented.ticket) return of(CredentialKind::stream_ticket, CredentialSource::ticket_query, *presented.ticket, {});
  if (presented.access_token) {
    return of(classify_token(*presented.access_token, api_key_prefix), CredentialSource::access_token_query,
              *presented.access_token, {});
  }
  return of(CredentialKind::none, CredentialSource::none, {}, use_api_key);
}

}  // namespace gatehouse::auth
