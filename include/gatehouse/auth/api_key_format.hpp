#pragma once
// API keys: "<prefix><43 base62 characters><6 base62 characters>". The 43 characters are
// 256 random bits; the last 6 are the CRC-32 of everything before them, so a mistyped or
// truncated key is refused before any lookup, and secret scanners can recognise a real key
// with no false positives. Only the SHA-256 of the whole key is stored.
#include "gatehouse/crypto/sha256.hpp"

#include <string>
#include <string_view>

namespace gatehouse::auth {

inline constexpr std::string_view default_api_key_prefix = "gk_";

struct MintedApiKey {
  std::string text;  // shown to the user once
  crypto::Sha256Digest hash{};
  std::string tail;  // last 4 characters, to tell keys apart in listings
};

MintedApiKey mint_api_key(std::string_view prefix);

enum class ApiKeyShape { ok, malformed, bad_checksum };

// Any valid prefix is accepted, not only the configured one: keys minted before the operator
// changed --api-key-prefix keep working.
ApiKeyShape check_api_key_shape(std::string_view key);

// A prefix is 2-16 characters of a-z 0-9 ending in '_' (so it cannot be confused with the
// body, and session tokens' "gs_" differs).
bool valid_api_key_prefix(std::string_view prefix);

}  // namespace gatehouse::auth
