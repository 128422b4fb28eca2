#include "gatehouse/auth/opaque_token.hpp"

#include "gatehouse/crypto/base64url.hpp"
#include "gatehouse/crypto/random.hpp"

#include <array>

namespace gatehouse::auth {

namespace {
constexpr std::size_t secret_bytes = 32;
constexpr std::size_t encoded_size = 43;  // ceil(32 * 4 / 3) without padding
}  // namespace

OpaqueToken mint_opaque_token(std::string_view prefix) {
  std::array<unsigned char, secret_bytes> raw{};
  crypto::random_bytes(raw);
  OpaqueToken token;
  token.text = std::string(prefix) +
               crypto::base64url_encode(std::string_view(reinterpret_cast<char const*>(raw.data()), raw.size()));
  token.hash = crypto::sha256(token.text);
  return token;
}

bool has_opaque_token_shape(std::string_view token, std::string_view prefix) {
  if (token.size() != prefix.size() + encoded_size || !token.starts_with(prefix)) return false;
  for (char c : token.substr(prefix.size())) {
    bool const ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace gatehouse::auth
