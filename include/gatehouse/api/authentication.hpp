#pragma once
// How a route gets its caller: the request's one credential (auth::extract_credential), through
// the Authenticator, under the client's failure budget, with the principal noted for the access
// log. Each helper states what the route accepts.
#include "gatehouse/api/request.hpp"
#include "gatehouse/api/services.hpp"
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/auth/credentials.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::api {

// The credential headers of a request; with `stream_query`, also ?ticket= and ?access_token=,
// which only the stream routes accept (a browser cannot set headers on EventSource or WebSocket).
auth::PresentedCredentials presented_credentials(Request const& req, bool stream_query = false);

// The caller of that credential. Throws Failure.
boost::asio::awaitable<auth::Caller> authenticate(Services const& s, Request const& req,
                                                  auth::Credential const& credential);

// Any caller (whoami).
boost::asio::awaitable<auth::Caller> require_any_caller(Services const& s, Request const& req);
// A caller allowed the scope.
boost::asio::awaitable<auth::Caller> require_caller(Services const& s, Request const& req, auth::Scope scope);

// The caller's live session, for routes that act on the session itself (logout, session
// revocation): an API key gets 403.
boost::asio::awaitable<auth::SessionPtr> require_session(Services const& s, Request const& req);

// A signed-in user's own session, not acting under a key (API key management).
boost::asio::awaitable<auth::SessionPtr> require_signed_in_user(Services const& s, Request const& req);

}  // namespace gatehouse::api
