#pragma once
// gatehouse-load only ever talks to this machine: the target must be a loopback address
// (127.0.0.0/8 or ::1), checked after name resolution. Connections are spread over several
// loopback source addresses (127.0.0.1, 127.0.0.2, ...) because one source address has only
// ~28,000 ephemeral ports towards a given server port.
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::loadgen {

struct HostPort {
  std::string host;  // without the brackets of "[::1]:8080"
  std::uint16_t port = 0;
};

// "127.0.0.1:8080", "localhost:8080", "[::1]:8080". nullopt (and a reason in *error) otherwise.
std::optional<HostPort> parse_host_port(std::string_view text, std::string* error);

// 127.0.0.0/8, ::1, and IPv4-mapped 127.0.0.0/8 (::ffff:127.x.y.z).
bool is_loopback(boost::asio::ip::address const& address);

struct LoopbackTarget {
  std::optional<boost::asio::ip::tcp::endpoint> endpoint;  // set when accepted
  std::string error;                                        // one line when refused
};

// Parses and resolves --target; refuses it unless every address it resolves to is loopback.
// IPv4 is preferred when a name resolves to both families; IPv4-mapped addresses become IPv4.
LoopbackTarget resolve_loopback_target(std::string_view text);

// How many source addresses `connections` need, given `ports_per_address` usable ephemeral
// ports on each (at least 1).
unsigned default_source_address_count(std::size_t connections, std::size_t ports_per_address = 28000);

// `count` distinct loopback source addresses of the target's family: 127.0.0.1, 127.0.0.2, ...
// (up to 127.0.0.1 + 16M) for IPv4; IPv6 has only ::1, so the list has one entry there.
std::vector<boost::asio::ip::address> source_addresses(boost::asio::ip::address const& target, unsigned count);

// The kernel's ephemeral port range size (net.ipv4.ip_local_port_range), or nullopt.
std::optional<std::size_t> ephemeral_port_count();

}  // namespace gatehouse::loadgen
