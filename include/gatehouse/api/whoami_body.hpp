#pragma once
// The body of GET /auth/whoami, the hot authenticated route: its shape is fixed, so it is
// written straight into a string, without a JSON document.
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/util/clock.hpp"

#include <string>

namespace gatehouse::api {

// {"principal_id","kind","session_id","expires_in","credential","api_key_id","scopes"}
std::string whoami_body(auth::Caller const& caller, UnixSeconds now);

}  // namespace gatehouse::api
