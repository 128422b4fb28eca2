#pragma once
#include "gatehouse/app/config.hpp"

namespace gatehouse::app {

// --dev: makes sure a development signing key and its JWKS exist next to the database, and
// points the JWKS URL at them (unless --jwks-url was given). Returns the key's path.
std::filesystem::path prepare_dev_issuer(Config& config);

}  // namespace gatehouse::app
