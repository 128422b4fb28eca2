#pragma once
// Who a request comes from, for rate limits and logs: the peer address, or, when the peer is
// one of the operator's trusted proxies, the address X-Forwarded-For names (the rightmost
// entry that is not itself a trusted proxy; entries further left are the client's own claims).
#include "gatehouse/api/request.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::api {

class TrustedProxies {
 public:
  // "10.0.0.0/8,127.0.0.1,::1/128"; nullopt when an entry is not an address or CIDR block.
  static std::optional<TrustedProxies> parse(std::string_view list);

  bool contains(std::string_view address) const;
  bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    bool v6 = false;
    std::array<unsigned char, 16> bytes{};
    int prefix = 0;
  };
  std::vector<Block> blocks_;
};

// The client's address; IPv6 clients are keyed by their /64 (one host usually owns a whole
// /64, so a per-address limit would be no limit).
std::string client_key(Request const& req, TrustedProxies const& proxies);

}  // namespace gatehouse::api
