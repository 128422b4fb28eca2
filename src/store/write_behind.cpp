#include "gatehouse/store/write_behind.hpp"

#include "gatehouse/net.hpp"
#include "gatehouse/util/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gatehouse::store {

void WriteBehind::note(std::string const& id, UnixSeconds value) {
  std::lock_guard lock(mutex_);
  auto& slot = pending_[id];
  slot = std::max(slot, value);
}

WriteBehind::Batch WriteBehind::take_pending() {
  Batch batch;
  std::lock_guard lock(mutex_);
  batch.swap(pending_);
  return batch;
}

void WriteBehind::restore_pending(Batch const& batch) {
  std::lock_guard lock(mutex_);
  for (auto const& [id, value] : batch) {
    auto& slot = pending_[id];
    slot = std::max(slot, value);
  }
}

asio::awaitable<void> WriteBehind::flush() {
  auto batch = take_pending();
  if (batch.empty()) co_return;
  try {
    co_await db_.write([&](Tx& tx) { writer_(tx, batch); });
  } catch (std::exception const& e) {
    log::warn("persisting " + what_ + " failed", {{"error", e.what()}, {"rows", batch.size()}});
    restore_pending(batch);
  }
}

void WriteBehind::flush_blocking() {
  auto batch = take_pending();
  if (batch.empty()) return;
  try {
    db_.write_blocking([&](Tx& tx) { writer_(tx, batch); });
  } catch (std::exception const& e) {
    log::warn("persisting " + what_ + " failed", {{"error", e.what()}, {"rows", batch.size()}});
  }
}

asio::awaitable<void> WriteBehind::run(std::atomic<bool> const& stopping) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopping) {
    timer.expires_after(std::chrono::seconds(1));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await flush();
  }
}

}  // namespace gatehouse::store
