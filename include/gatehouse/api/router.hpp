#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and "{name}" parameters,
// e.g. "/research/{id}/events". A path that matches under another method is a 405 with the
// methods that would match, not a 404.
#include "gatehouse/api/request.hpp"
#include "gatehouse/api/response.hpp"
#include "gatehouse/api/route_access.hpp"

#include <boost/asio/awaitable.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::api {

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
