#include "net/stream_core.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gatehouse::net {

void install_waker(std::shared_ptr<StreamCore> const& core) {
  auto executor = core->timer.get_executor();
  std::weak_ptr<StreamCore> weak = core;
  core->outbox->set_waker([weak, executor] {
    auto c = weak.lock();
    if (!c || c->wake_posted.exchange(true)) return;
    boost::asio::post(executor, [c] {
      c->wake_posted = false;
      wake_now(*c);
    });
  });
}

boost::asio::awaitable<void> wait_for_wake(StreamCore& core, std::chrono::steady_clock::time_point deadline) {
  if (!core.woken) {
    core.timer.expires_at(deadline);
    co_await core.timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
  core.woken = false;
}

streams::CloseReason heartbeat_check(auth::Caller const& caller, auth::SessionExtender& extender) {
  UnixSeconds const now = now_unix();
  if (caller.revoked()) return streams::CloseReason::revoked;
  if (auto const expires_at = caller.expires_at(); expires_at && now >= *expires_at) return streams::CloseReason::expired;
  if (caller.session) extender.extend(*caller.session, now);
  return streams::CloseReason::none;
}

}  // namespace gatehouse::net
