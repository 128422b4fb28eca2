#pragma once
// The request as handlers see it: views into the HTTP layer's buffers, no Beast types, so
// handlers compile fast, are unit-testable, and one handler serves plain and TLS connections.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::api {

enum class Method { get, head, post, put, patch, del, options, other };

std::string_view to_string(Method method);

class HeaderSource {
 public:
  virtual ~HeaderSource() = default;
  // "" when absent. Names are case-insensitive.
  virtual std::string_view get(std::string_view name) const = 0;
};

struct Request {
  Method method = Method::other;
  std::string_view path;   // target before '?'
  std::string_view query;  // after '?', raw
  std::string_view body;
  HeaderSource const* headers = nullptr;
  std::string_view client_address;
  bool websocket_upgrade = false;  // a valid WebSocket upgrade request (RFC 6455 §4.2.1)

  std::string_view header(std::string_view name) const { return headers ? headers->get(name) : std::string_view(); }

  // The first value of a query parameter, percent-decoded; nullopt when absent or not decodable.
  std::optional<std::string> query_param(std::string_view name) const;
};

}  // namespace gatehouse::api
