#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and "{name}" parameters,
// e.g. "/research/{id}/events". A path that matches under another method is a 405 with the
// methods that would match, not a 404.
#include "gatehouse/api/request.hpp"
#include "gatehouse/api/response.hpp"
#include "gatehouse/auth/scopes.hpp"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::api {

// Who may call a route, declared where the route is registered. The dispatcher authenticates
// the request against it before the handler runs and hands the handler its caller, so a handler
// is request -> operation -> response, and the whole access table reads in the route files.
enum class Access {
  open,            // no credential needed (or the handler reads its own: the JWT exchange, rebind)
  any_caller,      // any credential (whoami)
  scoped,          // any credential holding the scope
  session,         // a session token itself, never an API key (logout, session revocation)
  signed_in_user,  // a signed-in user's own session, not acting under a key (API key management)
  stream,          // as scoped, and also ?ticket= or ?access_token= (SSE, WebSocket)
};

struct RouteAccess {
  Access access = Access::open;
  auth::Scope scope = auth::Scope::research_read;  // for scoped and stream
};

inline constexpr RouteAccess open_route{};
inline constexpr RouteAccess any_caller{Access::any_caller};
inline constexpr RouteAccess the_session{Access::session};
inline constexpr RouteAccess signed_in_user{Access::signed_in_user};
constexpr RouteAccess caller_with(auth::Scope scope) { return {Access::scoped, scope}; }
constexpr RouteAccess stream_with(auth::Scope scope) { return {Access::stream, scope}; }

class PathParams {
 public:
  static constexpr std::size_t max = 4;
  std::string_view operator[](std::size_t i) const { return values_[i]; }
  std::size_t size() const { return count_; }
  void push(std::string_view v) { values_[count_++] = v; }

 private:
  std::array<std::string_view, max> values_{};
  std::size_t count_ = 0;
};

using Handler = std::function<boost::asio::awaitable<Response>(Request const&, PathParams const&)>;

class Router {
 public:
  // The handler runs once the dispatcher has admitted the request under `access` (its caller is
  // then req.caller()).
  void add(Method method, std::string_view pattern, RouteAccess access, Handler handler);
  void add(Method method, std::string_view pattern, Handler handler) {
    add(method, pattern, open_route, std::move(handler));
  }

  struct Match {
    Handler const* handler = nullptr;  // null: no route for this method and path
    RouteAccess access;
    std::string_view pattern;          // the matched route, for logs and metrics
    PathParams params;
    std::string allowed;               // when handler is null but the path exists: "GET, POST"
  };
  Match match(Method method, std::string_view path) const;

  // Every (method, pattern) registered, for documentation checks.
  std::vector<std::pair<Method, std::string>> routes() const;

 private:
  struct Route {
    Method method;
    RouteAccess access;
    std::string pattern;
    std::vector<std::string> segments;  // "{...}" marks a parameter
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace gatehouse::api
