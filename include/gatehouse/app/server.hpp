#pragma once
// Wires the parts together and runs them until SIGTERM or SIGINT.
#include "gatehouse/app/config.hpp"

namespace gatehouse::app {

// Blocks until a stop signal. Throws std::runtime_error with a one-line reason when the server
// cannot start (unusable database, key file, or listen address).
void run_server(Config config);

}  // namespace gatehouse::app
