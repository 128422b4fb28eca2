#pragma once
#include <array>
#include <cstddef>
#include <string_view>

namespace gatehouse::crypto {

using Sha256Digest = std::array<unsigned char, 32>;

// For hash maps keyed by a digest: SHA-256 output is uniform, so its first bytes are already a
// good hash.
struct DigestHash {
  std::size_t operator()(Sha256Digest const& d) const noexcept {
    std::size_t h;
    static_assert(sizeof h <= sizeof d);
    __builtin_memcpy(&h, d.data(), sizeof h);
    return h;
  }
};

Sha256Digest sha256(std::string_view data);

}  // namespace gatehouse::crypto
