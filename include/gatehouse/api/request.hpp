#pragma once
// The request as handlers see it: views into the HTTP layer's buffers, no Beast types, so
// handlers compile fast, are unit-testable, and one handler serves plain and TLS connections.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::auth {
struct Caller;
}

namespace gatehouse::api {

enum class Method { get, head, post, put, patch, del, options, other };

std::string_view to_string(Method method);

class HeaderSource {
 public:
  virtual ~HeaderSource() = default;
  // "" when absent. Names are case-insensitive.
  virtual std::string_view get(std::string_view name) const = 0;
};

// What the dispatcher learns about one request while a handler runs, for the access log.
struct RequestContext {
  std::string principal_id;  // set once the caller is authenticated
};

struct Request {
  Method method = Method::other;
  std::string_view path;   // target before '?'
  std::string_view query;  // after '?', raw
  std::string_view body;
  HeaderSource const* headers = nullptr;
  std::string_view client_address;
  bool websocket_upgrade = false;  // a valid WebSocket upgrade request (RFC 6455 §4.2.1)
  std::string_view request_id;     // echoed in X-Request-Id and logged
  RequestContext* context = nullptr;  // owned by the dispatcher; null outside dispatch
  auth::Caller const* admitted = nullptr;  // set by the dispatcher on a route that is not open

  std::string_view header(std::string_view name) const { return headers ? headers->get(name) : std::string_view(); }

  // The caller the dispatcher admitted (a route registered with an access other than open).
  auth::Caller const& caller() const { return *admitted; }

  // Records who is calling, for the access log (the authenticating helpers call it).
  void note_principal(std::string_view principal_id) const {
    if (context) context->principal_id = principal_id;
  }

  // The first value of a query parameter, percent-decoded; nullopt when absent or not decodable.
  std::optional<std::string> query_param(std::string_view name) const;
};

}  // namespace gatehouse::api
