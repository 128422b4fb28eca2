#include "gatehouse/streams/subscription.hpp"

#include "gatehouse/net.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/streams/replay.hpp"
#include "gatehouse/streams/ws_protocol.hpp"
#include "gatehouse/util/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <variant>

namespace gatehouse::streams {

// The outbox and the timer that is both the heartbeat deadline and the wake-up: a producer on
// another thread posts one wake-up at a time to the connection's executor, which cancels the
// timer. Shared with that posted wake-up, which may outlive the subscription.
struct Subscription::Core {
  Core(asio::any_io_executor executor, std::size_t capacity)
      : outbox(std::make_shared<Outbox>(capacity)), timer(std::move(executor)) {}

  std::shared_ptr<Outbox> outbox;
  asio::steady_timer timer;  // used on the connection's executor only
  std::atomic<bool> wake_posted{false};
  // A wake-up that came while next() was busy (reading the database) rather than waiting:
  // cancelling the timer then cancels nothing, so the next wait must not sleep (the outbox wakes
  // only on its empty-to-non-empty edge, so a lost wake-up would leave frames unsent until the
  // next heartbeat).
  bool woken = false;  // used on the connection's executor only

  void wake_now() {
    woken = true;
    timer.cancel();
  }
};

namespace {

StreamRegistry::Kind kind_of(Format format) { return format == Format::sse ? StreamRegistry::Kind::sse : StreamRegistry::Kind::ws; }

}  // namespace

Subscription::Subscription(SubscriptionContext& ctx, auth::Caller caller, Format format, asio::any_io_executor executor)
    : ctx_(ctx),
      caller_(std::move(caller)),
      format_(format),
      core_(std::make_shared<Core>(std::move(executor), ctx.outbox_capacity)),
      next_heartbeat_(std::chrono::steady_clock::now() + ctx.heartbeat) {
  auto const executor_for_wakes = core_->timer.get_executor();
  std::weak_ptr<Core> weak = core_;
  core_->outbox->set_waker([weak, executor_for_wakes] {
    auto c = weak.lock();
    if (!c || c->wake_posted.exchange(true)) return;
    asio::post(executor_for_wakes, [c] {
      c->wake_posted = false;
      c->wake_now();
    });
  });
  registration_ = ctx_.registry.add(caller_.credential_ids(), core_->outbox, kind_of(format));
  // Revoked between the route's check and the registration: no revocation found this stream.
  if (caller_.revoked()) core_->outbox->close(CloseReason::revoked);
  if (format_ == Format::ws) {
    auto const expires_at = caller_.expires_at();  // none: an API key that never expires
    core_->outbox->push(ws_welcome(caller_.principal_id(),
                                   expires_at ? std::optional(*expires_at - now_unix()) : std::nullopt));
  }
}

Subscription::~Subscription() {
  for (auto const& f : followed_) {
    if (f.hub_id) ctx_.hub.unsubscribe(f.research_id, *f.hub_id);
  }
}

void Subscription::follow(std::string research_id, std::int64_t after_seq) {
  // An event stream has no "subscribed" reply: it counts as announced.
  followed_.push_back(Followed{std::move(research_id), after_seq, std::nullopt, false, true});
}

void Subscription::receive(std::string text, bool binary) {
  inbox_.push_back(Inbound{std::move(text), binary});
  if (inbox_.size() > ctx_.max_inbox) core_->outbox->close(CloseReason::overflow);
  core_->wake_now();
}

void Subscription::close(CloseReason reason) {
  core_->outbox->close(reason);
  core_->wake_now();
}

CloseReason Subscription::close_reason() const { return core_->outbox->close_reason(); }

std::weak_ptr<Outbox> Subscription::outbox() const { return core_->outbox; }

void Subscription::handle(Inbound const& in) {
  Outbox& outbox = *core_->outbox;
  auto const command = parse_ws_message(in.text, in.binary);
  if (auto const* invalid = std::get_if<WsInvalid>(&command)) {
    outbox.push(ws_error_message(invalid->detail));
    return;
  }
  if (std::holds_alternative<WsPing>(command)) {
    outbox.push(ws_pong());
    return;
  }
  auto same = [](std::string const& id) { return [&id](Followed const& f) { return f.research_id == id; }; };
  if (auto const* unsubscribe = std::get_if<WsUnsubscribe>(&command)) {
    std::string const& research_id = unsubscribe->research_id;
    auto existing = std::find_if(followed_.begin(), followed_.end(), same(research_id));
    if (existing == followed_.end()) {
      outbox.push(ws_error_message("Not subscribed to " + research_id));
      return;
    }
    // Anything the hub queued before this point precedes the reply; nothing follows it.
    if (existing->hub_id) ctx_.hub.unsubscribe(research_id, *existing->hub_id);
    followed_.erase(existing);
    outbox.push(ws_unsubscribed(research_id));
    return;
  }
  auto const& subscribe = std::get<WsSubscribe>(command);
  if (std::any_of(followed_.begin(), followed_.end(), same(subscribe.research_id))) {
    outbox.push(ws_error_message("Already subscribed to " + subscribe.research_id));
    return;
  }
  if (followed_.size() >= ctx_.max_subscriptions) {
    outbox.push(ws_error_message("Too many subscriptions on one socket (max " + std::to_string(ctx_.max_subscriptions) +
                                 ")"));
    return;
  }
  // Replayed by next(): "subscribed", stored events, then live.
  followed_.push_back(Followed{subscribe.research_id, subscribe.after_seq});
}

asio::awaitable<void> Subscription::replay_one_page(Followed& pending) {
  std::string const research_id = pending.research_id;
  std::int64_t const after_seq = pending.after_seq;
  // A WebSocket's "subscribed" goes first, with the first page, once the research is known to be
  // the caller's.
  auto preface = pending.announced ? nullptr : ws_subscribed(research_id);
  auto const page = co_await ctx_.db.read([&](store::Tx& tx) {
    return replay_page(tx, ctx_.hub, research_id, caller_.principal_id(), core_->outbox, format_, after_seq,
                       ctx_.replay_page, preface);
  });
  // The client may have unsubscribed while the page was read: `pending` may be gone.
  auto it = std::find_if(followed_.begin(), followed_.end(), [&](Followed const& f) { return f.research_id == research_id; });
  if (it == followed_.end()) {
    if (page.attached) ctx_.hub.unsubscribe(research_id, *page.attached);
  } else if (!page.found) {
    followed_.erase(it);
    if (format_ == Format::sse) {
      core_->outbox->close(CloseReason::finished);
    } else {
      core_->outbox->push(ws_error_message("Research not found", research_id));
    }
  } else {
    it->after_seq = page.last_seq;
    it->hub_id = page.attached;
    it->finished = page.finished;
    it->announced = true;
  }
}

CloseReason Subscription::heartbeat_check() {
  UnixSeconds const now = now_unix();
  if (caller_.revoked()) return CloseReason::revoked;
  if (auto const expires_at = caller_.expires_at(); expires_at && now >= *expires_at) return CloseReason::expired;
  if (caller_.session) ctx_.extender.extend(*caller_.session, now);
  return CloseReason::none;
}

asio::awaitable<StreamStep> Subscription::next() {
  Outbox& outbox = *core_->outbox;
  for (;;) {
    std::vector<Inbound> inbox;
    inbox.swap(inbox_);
    if (outbox.close_reason() == CloseReason::none) {
      for (auto const& in : inbox) handle(in);
    }

    StreamStep step;
    step.frames = outbox.take();
    if (!step.frames.empty()) co_return step;
    if (CloseReason const reason = outbox.close_reason(); reason != CloseReason::none) {
      step.close = reason;
      co_return step;
    }
    if (!inbox_.empty()) continue;

    // One page of one pending replay per step, so writes and client messages interleave.
    auto pending = std::find_if(followed_.begin(), followed_.end(), [](Followed const& f) { return !f.hub_id; });
    if (pending != followed_.end()) {
      try {
        co_await replay_one_page(*pending);
      } catch (store::DbError const& e) {
        log::warn("stream replay failed", {{"error", e.what()}});
        outbox.close(CloseReason::failed);
      }
      continue;
    }
    // An event stream caught up with a research that is done: nothing will follow.
    if (format_ == Format::sse && !followed_.empty() && followed_.front().finished) outbox.close(CloseReason::finished);
    if (outbox.close_reason() != CloseReason::none) continue;

    if (std::chrono::steady_clock::now() >= next_heartbeat_) {
      next_heartbeat_ = std::chrono::steady_clock::now() + ctx_.heartbeat;
      if (CloseReason const r = heartbeat_check(); r != CloseReason::none) {
        outbox.close(r);
        continue;
      }
      step.heartbeat = true;
      co_return step;
    }
    if (!core_->woken) {
      core_->timer.expires_at(next_heartbeat_);
      co_await core_->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    core_->woken = false;
  }
}

}  // namespace gatehouse::streams
