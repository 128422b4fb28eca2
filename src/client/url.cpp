#include "gatehouse/client/url.hpp"

#include <charconv>

namespace gatehouse::client {

std::string Url::host_header() const {
  bool const default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? h : h + ":" + std::to_string(port);
}

std::optional<Url> parse_url(std::string_view text) {
  Url url;
  auto const sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  url.scheme = std::string(text.substr(0, sep));
  std::string_view rest = text.substr(sep + 3);
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
  }
  if (url.scheme == "file") {
    if (rest.empty() || rest.front() != '/') return std::nullopt;  // file:///absolute/path
    url.target = std::string(rest);
    return url;
  }
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  url.port = url.scheme == "https" ? 443 : 80;

  auto const slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view port_text;
  if (authority.front() == '[') {
    auto const close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    auto const colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::nullopt;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return std::nullopt;
    }
    url.port = static_cast<std::uint16_t>(value);
  } else if (authority.back() == ':') {
    return std::nullopt;
  }
  return url;
}

}  // namespace gatehouse::client
