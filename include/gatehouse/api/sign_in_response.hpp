#pragma once
// The answer to every sign-in that hands out a refresh token (a login, a refresh, and later an
// OAuth grant's or a CLI login's token exchange): the session token as access_token, the
// refresh token, and how long the session lives. Never cached (RFC 6749 §5.1).
#include "gatehouse/api/response.hpp"
#include "gatehouse/domain/refresh_families.hpp"

namespace gatehouse::api {

Response sign_in_response(domain::SignedIn const& signed_in, UnixSeconds session_ttl);

}  // namespace gatehouse::api
