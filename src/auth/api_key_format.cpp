#include "gatehouse/auth/api_key_format.hpp"

#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/crypto/random.hpp"

#include <array>
#include <cstdint>

namespace gatehouse::auth {

namespace {

constexpr std::string_view base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::size_t body_size = 43;      // 43 * log2(62) = 256.02 bits
constexpr std::size_t checksum_size = 6;   // 62^6 > 2^32

// CRC-32 (IEEE 802.3, as zlib and secret scanners compute it), table-driven.
constexpr std::array<std::uint32_t, 256> crc_table = [] {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    table[i] = c;
  }
  return table;
}();

std::uint32_t crc32(std::string_view data) {
  std::uint32_t crc = 0xffffffffu;
  for (char ch : data) crc = (crc >> 8) ^ crc_table[(crc ^ static_cast<unsigned char>(ch)) & 0xffu];
  return ~crc;
}

std::string checksum(std::string_view data) {
  std::uint32_t value = crc32(data);
  std::string out(checksum_size, '0');
  for (std::size_t i = checksum_size; i-- > 0;) {
    out[i] = base62[value % 62];
    value /= 62;
  }
  return out;
}

bool is_base62(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

MintedApiKey mint_api_key(std::string_view prefix) {
  std::string text(prefix);
  // Rejection sampling keeps every character uniform: bytes >= 248 (4 * 62) are redrawn.
  std::array<unsigned char, 64> pool{};
  std::size_t used = pool.size();
  while (text.size() < prefix.size() + body_size) {
    if (used == pool.size()) {
      crypto::random_bytes(pool);
      used = 0;
    }
    unsigned char const b = pool[used++];
    if (b < 248) text.push_back(base62[b % 62]);
  }
  text += checksum(text);
  MintedApiKey key;
  key.hash = crypto::sha256(text);
  key.tail = text.substr(text.size() - 4);
  key.text = std::move(text);
  return key;
}

ApiKeyShape check_api_key_shape(std::string_view key) {
  if (key.size() <= body_size + checksum_size) return ApiKeyShape::malformed;
  std::size_t const prefix_size = key.size() - body_size - checksum_size;
  if (!valid_api_key_prefix(key.substr(0, prefix_size))) return ApiKeyShape::malformed;
  for (char c : key.substr(prefix_size)) {
    if (!is_base62(c)) return ApiKeyShape::malformed;
  }
  std::string_view const signed_part = key.substr(0, key.size() - checksum_size);
  if (checksum(signed_part) != key.substr(key.size() - checksum_size)) return ApiKeyShape::bad_checksum;
  return ApiKeyShape::ok;
}

bool valid_api_key_prefix(std::string_view prefix) {
  if (prefix.size() < 2 || prefix.size() > 16 || prefix.back() != '_') return false;
  if (prefix == session_token_prefix || prefix == stream_ticket_prefix) return false;
  for (char c : prefix.substr(0, prefix.size() - 1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace gatehouse::auth
