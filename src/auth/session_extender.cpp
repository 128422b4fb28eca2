#include "gatehouse/auth/session_extender.hpp"

#include "gatehouse/store/session_store.hpp"
#include "gatehouse/util/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gatehouse::auth {

namespace asio = boost::asio;

void SessionExtender::extend(Session& session, UnixSeconds now) {
  if (session.revoked.load()) return;
  UnixSeconds const target = now + ttl_;
  UnixSeconds current = session.expires_at.load();
  while (current < target && !session.expires_at.compare_exchange_weak(current, target)) {
  }
  if (current >= target) return;
  std::lock_guard lock(mutex_);
  auto& slot = pending_[session.id];
  slot = std::max(slot, target);
}

std::unordered_map<std::string, UnixSeconds> SessionExtender::take_pending() {
  std::unordered_map<std::string, UnixSeconds> batch;
  std::lock_guard lock(mutex_);
  batch.swap(pending_);
  return batch;
}

// The registry already holds the new expiry; the next flush retries what failed.
void SessionExtender::restore_pending(std::unordered_map<std::string, UnixSeconds> const& batch) {
  std::lock_guard lock(mutex_);
  for (auto const& [id, expires_at] : batch) {
    auto& slot = pending_[id];
    slot = std::max(slot, expires_at);
  }
}

void SessionExtender::write_batch(store::Tx& tx, std::unordered_map<std::string, UnixSeconds> const& batch) {
  for (auto const& [id, expires_at] : batch) store::extend_session(tx, id, expires_at);
}

asio::awaitable<void> SessionExtender::flush() {
  auto batch = take_pending();
  if (batch.empty()) co_return;
  try {
    co_await db_.write([&](store::Tx& tx) { write_batch(tx, batch); });
  } catch (std::exception const& e) {
    log::warn("persisting session extensions failed", {{"error", e.what()}, {"sessions", batch.size()}});
    restore_pending(batch);
  }
}

void SessionExtender::flush_blocking() {
  auto batch = take_pending();
  if (batch.empty()) return;
  try {
    db_.write_blocking([&](store::Tx& tx) { write_batch(tx, batch); });
  } catch (std::exception const& e) {
    log::warn("persisting session extensions failed", {{"error", e.what()}, {"sessions", batch.size()}});
  }
}

asio::awaitable<void> SessionExtender::run(std::atomic<bool> const& stopping) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopping) {
    timer.expires_after(std::chrono::seconds(1));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await flush();
  }
}

}  // namespace gatehouse::auth
