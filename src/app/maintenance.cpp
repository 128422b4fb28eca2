#include "gatehouse/app/maintenance.hpp"

#include "gatehouse/net.hpp"
#include "gatehouse/util/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gatehouse::app {

namespace {
// How long the changes feed keeps a change: a node away longer reloads its memory from the tables.
constexpr UnixSeconds changes_kept_for = 3600;
}  // namespace

asio::awaitable<void> run_maintenance(Components& parts, std::chrono::seconds purge_grace,
                                      std::atomic<bool> const& stopping) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  // Short graces (tests, strict operators) are honoured promptly; long ones need no hurry.
  auto const interval = std::chrono::seconds(std::clamp<std::int64_t>(purge_grace.count(), 1, 60));
  while (!stopping) {
    timer.expires_after(interval);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopping) break;
    UnixSeconds const now = now_unix();
    try {
      co_await parts.domain.tickets.purge(now);
      std::size_t const purged = co_await parts.domain.sessions.purge(now - purge_grace.count());
      if (purged > 0) log::info("purged sessions", {{"count", purged}});
      std::size_t const families = co_await parts.domain.refresh.purge(now - purge_grace.count());
      if (families > 0) log::info("purged refresh families", {{"count", families}});
      if (parts.several_nodes()) co_await parts.domain.storage.purge_changes(now - changes_kept_for);
    } catch (std::exception const& e) {
      log::warn("purge failed", {{"error", e.what()}});
    }
  }
}

}  // namespace gatehouse::app
