#include "net/stream_core.hpp"

#include <boost/asio/post.hpp>

namespace gatehouse::net {

void install_waker(std::shared_ptr<StreamCore> const& core) {
  auto executor = core->timer.get_executor();
  std::weak_ptr<StreamCore> weak = core;
  core->outbox->set_waker([weak, executor] {
    auto c = weak.lock();
    if (!c || c->wake_posted.exchange(true)) return;
    boost::asio::post(executor, [c] {
      c->wake_posted = false;
      c->timer.cancel();
    });
  });
}

streams::CloseReason heartbeat_check(auth::Session& session, auth::SessionExtender& extender) {
  UnixSeconds const now = now_unix();
  if (session.revoked.load()) return streams::CloseReason::revoked;
  if (now >= session.expires_at.load()) return streams::CloseReason::expired;
  extender.extend(session, now);
  return streams::CloseReason::none;
}

}  // namespace gatehouse::net
