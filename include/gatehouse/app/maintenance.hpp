#pragma once
// Background housekeeping: purges sessions that expired or were revoked more than the grace
// period ago (database first, then the registry, in the same commit), and stale stream tickets.
#include "gatehouse/app/components.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>

namespace gatehouse::app {

boost::asio::awaitable<void> run_maintenance(Components& parts, std::chrono::seconds purge_grace,
                                             std::atomic<bool> const& stopping);

}  // namespace gatehouse::app
