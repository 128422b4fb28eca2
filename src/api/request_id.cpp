#include "gatehouse/api/request_id.hpp"

#include "gatehouse/crypto/random.hpp"

#include <array>
#include <cstdint>
#include <cstring>

namespace gatehouse::api {

namespace {

// splitmix64's finaliser: a bijection on 64 bits, so distinct counter values stay distinct while
// the ids do not read as a request count.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void append_hex(std::string& out, std::uint64_t v) {
  static constexpr char hex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(hex[(v >> shift) & 0xf]);
}

struct ThreadIdSource {
  std::uint64_t prefix = 0;
  std::uint64_t counter = 0;
  ThreadIdSource() {
    std::array<unsigned char, 16> seed;
    crypto::random_bytes(seed);
    std::memcpy(&prefix, seed.data(), 8);
    std::memcpy(&counter, seed.data() + 8, 8);
  }
};

}  // namespace

bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string request_id_for(std::string_view incoming) {
  if (acceptable_request_id(incoming)) return std::string(incoming);
  // Unique without coordination between threads or restarts: 64 random bits drawn once per
  // thread, then a counter. A DRBG call per request cost more than the whole token check.
  thread_local ThreadIdSource source;
  std::string id;
  id.reserve(32);
  append_hex(id, source.prefix);
  append_hex(id, mix(source.counter++));
  return id;
}

}  // namespace gatehouse::api
