#include "gatehouse/api/client_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace gatehouse::api {

namespace {

struct Parsed {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<Parsed> parse_address(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  Parsed p;
  if (::inet_pton(AF_INET, buf, p.bytes.data()) == 1) return p;
  if (::inet_pton(AF_INET6, buf, p.bytes.data()) == 1) {
    p.v6 = true;
    // An IPv4-mapped IPv6 address is the IPv4 client.
    static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(p.bytes.data(), mapped, 12) == 0) {
      std::memmove(p.bytes.data(), p.bytes.data() + 12, 4);
      std::memset(p.bytes.data() + 4, 0, 12);
      p.v6 = false;
    }
    return p;
  }
  return std::nullopt;
}

bool prefix_matches(std::array<unsigned char, 16> const& a, std::array<unsigned char, 16> const& b, int bits) {
  int const whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), static_cast<std::size_t>(whole)) != 0) return false;
  if (int const rest = bits % 8; rest != 0) {
    auto const mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (a[static_cast<std::size_t>(whole)] & mask) == (b[static_cast<std::size_t>(whole)] & mask);
  }
  return true;
}

std::string key_of(Parsed const& p) {
  char buf[INET6_ADDRSTRLEN];
  if (!p.v6) return ::inet_ntop(AF_INET, p.bytes.data(), buf, sizeof buf);
  std::array<unsigned char, 16> net{};
  std::memcpy(net.data(), p.bytes.data(), 8);
  return std::string(::inet_ntop(AF_INET6, net.data(), buf, sizeof buf)) + "/64";
}

}  // namespace

std::optional<TrustedProxies> TrustedProxies::parse(std::string_view list) {
  TrustedProxies out;
  while (!list.empty()) {
    auto const comma = list.find(',');
    std::string_view entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    auto const slash = entry.find('/');
    auto const address = parse_address(entry.substr(0, slash));
    if (!address) return std::nullopt;
    int const max_bits = address->v6 ? 128 : 32;
    int prefix = max_bits;
    if (slash != std::string_view::npos) {
      std::string_view const bits = entry.substr(slash + 1);
      auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
      if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || prefix < 0 || prefix > max_bits) {
        return std::nullopt;
      }
    }
    out.blocks_.push_back(Block{address->v6, address->bytes, prefix});
  }
  return out;
}

bool TrustedProxies::contains(std::string_view address) const {
  auto const parsed = parse_address(address);
  if (!parsed) return false;
  for (auto const& b : blocks_) {
    if (b.v6 == parsed->v6 && prefix_matches(b.bytes, parsed->bytes, b.prefix)) return true;
  }
  return false;
}

std::string client_key(Request const& req, TrustedProxies const& proxies) {
  std::string_view address = req.client_address;
  // Every authenticated request asks for its key: the peer address of an IPv4 socket is already
  // canonical dotted decimal, so it is its own key without a parse and reformat.
  if (proxies.empty() && address.find_first_not_of("0123456789.") == std::string_view::npos && !address.empty()) {
    return std::string(address);
  }
  if (!proxies.empty() && proxies.contains(address)) {
    // Right to left: each hop appended the address it saw; the first untrusted one is the client.
    std::string_view forwarded = req.header("X-Forwarded-For");
    while (!forwarded.empty()) {
      auto const comma = forwarded.rfind(',');
      std::string_view const hop = trim(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
      forwarded = comma == std::string_view::npos ? std::string_view() : forwarded.substr(0, comma);
      if (!parse_address(hop)) break;  // garbage: stop at the last address we could trust
      address = hop;
      if (!proxies.contains(hop)) break;
    }
  }
  auto const parsed = parse_address(address);
  return parsed ? key_of(*parsed) : std::string(address);
}

}  // namespace gatehouse::api
