#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::client {

// An absolute http, https or file URL as gatehouse's flags take them.
struct Url {
  std::string scheme;  // "http" | "https" | "file"
  std::string host;    // without brackets for IPv6
  std::uint16_t port = 0;
  std::string target;  // path and query, at least "/"; for file: the absolute path

  std::string host_header() const;  // host[:port] as a Host header
};

// Nullopt when the URL is not of one of the three schemes or is malformed.
std::optional<Url> parse_url(std::string_view text);

}  // namespace gatehouse::client
