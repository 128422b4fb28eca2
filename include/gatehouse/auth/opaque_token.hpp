#pragma once
// Opaque bearer secrets (session tokens, stream tickets, refresh tokens): a recognisable prefix followed by
// 256 random bits in base64url. Only their SHA-256 is ever stored or used as a lookup key.
#include "gatehouse/crypto/sha256.hpp"

#include <string>
#include <string_view>

namespace gatehouse::auth {

inline constexpr std::string_view session_token_prefix = "gs_";
inline constexpr std::string_view stream_ticket_prefix = "gt_";
inline constexpr std::string_view refresh_token_prefix = "gr_";

struct OpaqueToken {
  std::string text;  // handed to the client once, never stored or logged
  crypto::Sha256Digest hash{};
};

OpaqueToken mint_opaque_token(std::string_view prefix);

// The prefix, then exactly 43 base64url characters (32 bytes): checked before any lookup.
bool has_opaque_token_shape(std::string_view token, std::string_view prefix);

}  // namespace gatehouse::auth
