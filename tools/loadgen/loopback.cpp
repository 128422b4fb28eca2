#include "loadgen/loopback.hpp"

#include "gatehouse/net.hpp"

#include <boost/asio/io_context.hpp>

#include <charconv>
#include <fstream>

namespace gatehouse::loadgen {

using asio::ip::tcp;

std::optional<HostPort> parse_host_port(std::string_view text, std::string* error) {
  auto fail = [&](std::string reason) -> std::optional<HostPort> {
    if (error) *error = std::move(reason);
    return std::nullopt;
  };
  auto const colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("expected HOST:PORT, got '" + std::string(text) + "'");
  std::string_view host = text.substr(0, colon);
  std::string_view const port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return fail("an IPv6 address needs brackets: [" + std::string(host) + "]:PORT");
  }
  if (host.empty()) return fail("expected HOST:PORT, got '" + std::string(text) + "'");
  unsigned port = 0;
  auto const [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return fail("port must be 1-65535, got '" + std::string(port_text) + "'");
  }
  return HostPort{std::string(host), static_cast<std::uint16_t>(port)};
}

bool is_loopback(asio::ip::address const& address) {
  if (address.is_v4()) return address.to_v4().is_loopback();
  auto const v6 = address.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).is_loopback();
  return v6.is_loopback();
}

namespace {

asio::ip::address unmapped(asio::ip::address const& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::string refusal(std::string_view text, std::string const& why) {
  return "refusing --target " + std::string(text) + ": " + why +
         " (gatehouse-load only targets loopback: 127.0.0.0/8 or ::1)";
}

}  // namespace

LoopbackTarget resolve_loopback_target(std::string_view text) {
  LoopbackTarget result;
  std::string error;
  auto const hp = parse_host_port(text, &error);
  if (!hp) {
    result.error = "invalid --target: " + error;
    return result;
  }
  std::vector<asio::ip::address> addresses;
  boost::system::error_code ec;
  auto const literal = asio::ip::make_address(hp->host, ec);
  if (!ec) {
    addresses.push_back(literal);
  } else {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    auto const results = resolver.resolve(hp->host, std::to_string(hp->port), tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      result.error = refusal(text, "cannot resolve '" + hp->host + "'" + (ec ? ": " + ec.message() : std::string()));
      return result;
    }
    for (auto const& entry : results) addresses.push_back(entry.endpoint().address());
  }
  for (auto const& address : addresses) {
    if (!is_loopback(address)) {
      std::string const shown = address.to_string() == hp->host ? hp->host : hp->host + " (" + address.to_string() + ")";
      result.error = refusal(text, shown + " is not a loopback address");
      return result;
    }
  }
  asio::ip::address chosen = unmapped(addresses.front());
  for (auto const& address : addresses) {
    if (unmapped(address).is_v4()) {
      chosen = unmapped(address);
      break;
    }
  }
  result.endpoint = tcp::endpoint(chosen, hp->port);
  return result;
}

unsigned default_source_address_count(std::size_t connections, std::size_t ports_per_address) {
  if (ports_per_address == 0) ports_per_address = 1;
  std::size_t const count = (connections + ports_per_address - 1) / ports_per_address;
  return static_cast<unsigned>(count == 0 ? 1 : count);
}

std::vector<asio::ip::address> source_addresses(asio::ip::address const& target, unsigned count) {
  std::vector<asio::ip::address> out;
  if (count == 0) count = 1;
  if (target.is_v6()) {
    out.push_back(asio::ip::address_v6::loopback());
    return out;
  }
  std::uint32_t const first = asio::ip::make_address_v4("127.0.0.1").to_uint();
  std::uint32_t const last = asio::ip::make_address_v4("127.255.255.254").to_uint();
  for (std::uint32_t i = 0; i < count && first + i <= last; ++i) out.emplace_back(asio::ip::address_v4(first + i));
  return out;
}

std::optional<std::size_t> ephemeral_port_count() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  long low = 0;
  long high = 0;
  if (!(in >> low >> high) || high < low) return std::nullopt;
  return static_cast<std::size_t>(high - low + 1);
}

}  // namespace gatehouse::loadgen
