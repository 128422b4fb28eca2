#pragma once
// Who may call a route, declared where the route is registered. The dispatcher authenticates
// the request against it before the handler runs and hands the handler its caller, so a handler
// is request -> operation -> response, and the whole access table reads in the route files.
#include "gatehouse/auth/scopes.hpp"

namespace gatehouse::api {

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

}  // namespace gatehouse::api
