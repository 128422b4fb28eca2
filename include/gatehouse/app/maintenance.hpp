#pragma once
// Background housekeeping: purges sessions that expired or were revoked more than the grace
// period ago (database first, then the registry, in the same commit), and stale stream tickets.
#include "gatehouse/api/services.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>

namespace gatehouse::app {

boost::asio::awaitable<void> run_maintenance(api::Services& services, std::atomic<bool> const& stopping);

}  // namespace gatehouse::app
