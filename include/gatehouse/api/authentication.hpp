#pragma once
// How a request gets its caller: the request's one credential (auth::extract_credential),
// through the Authenticator, under the client's failure budget, with the principal noted for the
// access log. The dispatcher admits each route's requests by its RouteAccess; the routes that
// read their own credential (rebind) use authenticate().
#include "gatehouse/api/request.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/auth/credential_misses.hpp"
#include "gatehouse/auth/credentials.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::api {

// The credential headers of a request; with `stream_query`, also ?ticket= and ?access_token=,
// which only the stream routes accept (a browser cannot set headers on EventSource or WebSocket).
auth::PresentedCredentials presented_credentials(Request const& req, bool stream_query = false);

// The caller of that credential, from memory, under the client's failure budget. Throws Failure.
auth::Caller authenticate(Services const& s, Request const& req, auth::Credential const& credential);

// The caller `access` admits (any access but open). Throws Failure: the credential's refusal,
// missing_scope, requires_session (an API key where the session itself is acted on),
// requires_signed_in_user. With several nodes it may throw auth::NotInMemory instead: call
// look_up, then admit again.
auth::Caller admit(Services const& s, Request const& req, RouteAccess access);

// Several nodes: looks the missing credential up in the database (one read) and brings it into
// memory, or remembers briefly that it is not there.
boost::asio::awaitable<void> look_up(Services const& s, auth::NotInMemory const& missing);

// authenticate(), looking a credential another node issued up when memory does not have it yet.
boost::asio::awaitable<auth::Caller> authenticate_anywhere(Services const& s, Request const& req,
                                                           auth::Credential const& credential);

}  // namespace gatehouse::api
