#pragma once
// Setup, part two: each principal creates its research items (POST /research).
#include "loadgen/run.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::loadgen {

// Fills run.research_ids (empty where creation failed). Returns when every item was attempted.
boost::asio::awaitable<void> create_research(Run& run);

}  // namespace gatehouse::loadgen
