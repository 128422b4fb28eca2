#pragma once
// A real HTTP/1.1 client for the end-to-end tests (Beast, synchronous, one connection per
// request, a deadline on every exchange).
#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::testing {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  std::string header(std::string const& name) const;  // case-insensitive, "" when absent
  boost::json::value json() const;                    // throws when the body is not JSON
  std::string detail() const;                         // json()["detail"] or ""
};

using Headers = std::vector<std::pair<std::string, std::string>>;

HttpResponse http(std::uint16_t port, std::string const& method, std::string const& target,
                  std::string const& body = {}, Headers const& headers = {});

// A TLS client's trust: only this CA, and the certificate must name 127.0.0.1 (the clients
// verify both, as a real client does).
struct TlsTrust {
  std::filesystem::path ca_file;
};

// http() over TLS, verifying the server against `trust`; throws when the handshake fails.
HttpResponse https(std::uint16_t port, TlsTrust const& trust, std::string const& method, std::string const& target,
                   std::string const& body = {}, Headers const& headers = {});

// Shorthands with an optional bearer token.
HttpResponse get(std::uint16_t port, std::string const& target, std::string const& bearer = {});
HttpResponse post(std::uint16_t port, std::string const& target, std::string const& body,
                  std::string const& bearer = {});
HttpResponse put(std::uint16_t port, std::string const& target, std::string const& body,
                 std::string const& bearer = {});
HttpResponse del(std::uint16_t port, std::string const& target, std::string const& bearer = {});

// Writes raw bytes and returns whatever the server answers until it closes (for malformed
// requests a proper client cannot send).
std::string raw_exchange(std::uint16_t port, std::string const& bytes);

}  // namespace gatehouse::testing
