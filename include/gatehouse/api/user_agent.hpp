#pragma once
// The client's User-Agent as a session records it: printable ASCII only and bounded, since
// session lists echo it back.
#include "gatehouse/api/request.hpp"

#include <optional>
#include <string>

namespace gatehouse::api {

std::optional<std::string> user_agent_of(Request const& req);

}  // namespace gatehouse::api
