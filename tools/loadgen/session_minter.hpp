#pragma once
// Setup, part one: mint --sessions session tokens at --session-rate, either as anonymous
// sessions (POST /auth/anonymous) or by exchanging locally minted Clerk JWTs (POST /auth/session).
#include "loadgen/run.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::loadgen {

// Fills run.tokens (an empty token where minting failed after retries). Returns when every
// session was attempted.
boost::asio::awaitable<void> mint_sessions(Run& run);

// The identity principal p uses in this run: its device id (anonymous) or JWT sub.
std::string device_id_of(Run const& run, std::size_t principal);
std::string jwt_subject_of(Run const& run, std::size_t principal);

}  // namespace gatehouse::loadgen
