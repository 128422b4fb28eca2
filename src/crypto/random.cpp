#include "gatehouse/crypto/random.hpp"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <climits>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace gatehouse::crypto {

void random_bytes(std::span<unsigned char> out) {
  if (out.size() > INT_MAX || RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
}

std::string random_id(std::string_view prefix, std::size_t bytes) {
  static constexpr char hex[] = "0123456789abcdef";
  std::vector<unsigned char> raw(bytes);
  random_bytes(raw);
  std::string id(prefix);
  id.reserve(prefix.size() + 2 * bytes);
  for (unsigned char c : raw) {
    id.push_back(hex[c >> 4]);
    id.push_back(hex[c & 0xf]);
  }
  return id;
}

std::string time_ordered_id(std::string_view prefix) {
  static constexpr char hex[] = "0123456789abcdef";
  auto const ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::string id(prefix);
  id.reserve(prefix.size() + 24);
  for (int shift = 44; shift >= 0; shift -= 4) id.push_back(hex[(ms >> shift) & 0xf]);
  std::array<unsigned char, 6> raw;
  random_bytes(raw);
  for (unsigned char c : raw) {
    id.push_back(hex[c >> 4]);
    id.push_back(hex[c & 0xf]);
  }
  return id;
}

}  // namespace gatehouse::crypto
