#pragma once
// The id that ties a response to its access log line (X-Request-Id). A caller's own id is kept
// when it is safe to log and to echo; anything else is replaced, never trusted or truncated.
#include <string>
#include <string_view>

namespace gatehouse::api {

// 1-128 characters of A-Z a-z 0-9 . _ : -
bool acceptable_request_id(std::string_view id);

// incoming when acceptable, otherwise a fresh unique id (32 lowercase hex characters: a random
// per-thread prefix and a scrambled per-thread counter).
std::string request_id_for(std::string_view incoming);

}  // namespace gatehouse::api
