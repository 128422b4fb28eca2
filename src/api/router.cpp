#include "gatehouse/api/router.hpp"

#include <stdexcept>

namespace gatehouse::api {

namespace {

bool is_param(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Splits "/a/b" into {"a","b"}; "/" into {}. Views into path.
template <typename Out>
bool split_path(std::string_view path, Out& out, std::size_t max_segments) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  while (!path.empty()) {
    auto const slash = path.find('/');
    if (out.size() == max_segments) return false;
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
    if (path.empty()) out.push_back(std::string_view());  // trailing slash: an empty segment
  }
  return true;
}

}  // namespace

void Router::add(Method method, std::string_view pattern, RouteAccess access, Handler handler) {
  Route route{method, access, std::string(pattern), {}, std::move(handler)};
  std::vector<std::string_view> parts;
  if (!split_path(pattern, parts, 16)) throw std::invalid_argument("bad route pattern");
  std::size_t params = 0;
  for (auto p : parts) {
    route.segments.emplace_back(p);
    params += is_param(p) ? 1 : 0;
  }
  if (params > PathParams::max) throw std::invalid_argument("too many route parameters");
  routes_.push_back(std::move(route));
}

Router::Match Router::match(Method method, std::string_view path) const {
  Match result;
  std::vector<std::string_view> parts;
  parts.reserve(8);
  if (!split_path(path, parts, 16)) return result;
  for (auto const& route : routes_) {
    if (route.segments.size() != parts.size()) continue;
    PathParams params;
    bool matched = true;
    for (std::size_t i = 0; i < parts.size() && matched; ++i) {
      if (is_param(route.segments[i])) {
        matched = !parts[i].empty();
        params.push(parts[i]);
      } else {
        matched = route.segments[i] == parts[i];
      }
    }
    if (!matched) continue;
    if (route.method == method) {
      result.handler = &route.handler;
      result.access = route.access;
      result.pattern = route.pattern;
      result.params = params;
      return result;
    }
    if (!result.allowed.empty()) result.allowed += ", ";
    result.allowed += to_string(route.method);
  }
  return result;
}

std::vector<std::pair<Method, std::string>> Router::routes() const {
  std::vector<std::pair<Method, std::string>> out;
  for (auto const& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

}  // namespace gatehouse::api
