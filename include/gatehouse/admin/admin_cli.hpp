#pragma once
// `gatehouse admin ...`: parse, find the admin socket, make the request, print the answer.
#include "gatehouse/app/config.hpp"

#include <string>
#include <vector>

namespace gatehouse::admin {

// Exit codes: 0 ok, 1 the server refused (its detail on stderr), 2 usage error, 3 the server
// could not be reached.
int run_admin(std::vector<std::string> const& args, app::EnvLookup const& env);

}  // namespace gatehouse::admin
