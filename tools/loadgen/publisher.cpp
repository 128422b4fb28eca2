#include "loadgen/publisher.hpp"

#include "gatehouse/net.hpp"

#include "loadgen/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace gatehouse::loadgen {

namespace {

template <class T>
std::optional<T> number_after(std::string_view text, std::string_view key) {
  auto const at = text.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  char const* first = text.data() + at + key.size();
  char const* last = text.data() + text.size();
  while (first < last && *first == ' ') ++first;
  T value{};
  auto const [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end == first) return std::nullopt;
  return value;
}

std::string events_path(std::string const& research_id) { return "/research/" + research_id + "/events"; }

asio::awaitable<void> rate_worker(Run& run, std::size_t worker, std::shared_ptr<Pacer> pacer, std::uint64_t until_ns) {
  HttpClient client(co_await asio::this_coro::executor, run.target_of(worker).endpoint, run.sources[worker % run.sources.size()],
                    run.target_of(worker).host);
  for (;;) {
    std::size_t const slot = pacer->take();
    std::uint64_t const due = pacer->due_ns(slot);
    if (due >= until_ns || run.stopping.load()) break;
    co_await sleep_until_ns(due);
    std::size_t const item = slot % run.plan.research;
    std::string const* token = run.principal_token(run.plan.owner_of_research(item));
    if (run.research_ids[item].empty() || !token) continue;  // its setup failed; counted there
    Stamp const stamp{steady_ns(), static_cast<std::int64_t>(slot)};
    std::uint32_t const subscribers = run.stats.subscribers[item].load(std::memory_order_relaxed);
    HttpResult const result = co_await client.request(http::verb::post, events_path(run.research_ids[item]),
                                                      event_body(stamp), *token, run.connect_timeout());
    run.publish_rtt.record(steady_ns() - stamp.sent_ns);
    if (result.status == 201) {
      run.stats.published.fetch_add(1);
      run.stats.expected_deliveries.fetch_add(subscribers);
    } else {
      run.stats.publish_failed.fetch_add(1);
      run.stats.publish_failures.add(result.reason());
    }
  }
}

}  // namespace

std::string event_body(Stamp const& stamp) {
  return "{\"event\":\"load\",\"data\":{\"t\":" + std::to_string(stamp.sent_ns) + ",\"k\":" +
         std::to_string(stamp.index) + "}}";
}

std::optional<Stamp> parse_stamp(std::string_view data_json) {
  auto const sent = number_after<std::uint64_t>(data_json, "\"t\":");
  auto const index = number_after<std::int64_t>(data_json, "\"k\":");
  if (!sent || !index) return std::nullopt;
  return Stamp{*sent, *index};
}

void record_delivery(Run& run, Stamp const& stamp, std::uint64_t received_ns) {
  run.delivery.record(received_ns > stamp.sent_ns ? received_ns - stamp.sent_ns : 0);
  run.stats.received.fetch_add(1, std::memory_order_relaxed);
  if (!run.options.fanout) return;
  Fanout& f = run.fanout;
  if (stamp.index != f.current.load(std::memory_order_acquire)) return;  // a late copy of an earlier event
  std::uint64_t seen = f.last_receive_ns.load(std::memory_order_relaxed);
  while (received_ns > seen && !f.last_receive_ns.compare_exchange_weak(seen, received_ns, std::memory_order_relaxed)) {
  }
  std::uint64_t const got = f.received.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (got == f.target.load(std::memory_order_acquire)) {
    asio::post(f.executor, [&f] {
      if (auto* timer = f.wakeup.load()) timer->cancel();
    });
  }
}

asio::awaitable<void> publish_at_rate(Run& run, std::uint64_t until_ns) {
  double const rate = run.options.publish_rate;
  if (rate <= 0) co_return;
  // One request in flight per worker; a publish is a database commit away from its answer.
  auto const workers = static_cast<std::size_t>(std::clamp(std::ceil(rate / 100.0), 1.0, 32.0));
  auto pacer = std::make_shared<Pacer>(rate, steady_ns());
  auto remaining = std::make_shared<std::atomic<std::size_t>>(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    asio::co_spawn(run.pool.context(w), rate_worker(run, w, pacer, until_ns), Finished{remaining, "publishing"});
  }
  while (remaining->load(std::memory_order_acquire) > 0) co_await sleep_for(std::chrono::milliseconds(20));
}

// Runs on run.fanout.executor (the wake-up is posted there).
asio::awaitable<void> publish_fanout(Run& run, std::uint64_t until_ns) {
  Fanout& f = run.fanout;
  std::string const& research_id = run.research_ids[0];
  std::string const* token = run.principal_token(0);
  if (research_id.empty() || !token) co_return;
  auto const executor = co_await asio::this_coro::executor;
  HttpClient client(executor, run.target_of(0).endpoint, run.sources[0], run.target_of(0).host);
  asio::steady_timer wakeup(executor);
  auto const timeout = std::chrono::nanoseconds(static_cast<std::int64_t>(run.options.fanout_timeout * 1e9));

  for (std::size_t k = 0; k < run.options.events; ++k) {
    if (run.stopping.load() || steady_ns() >= until_ns) break;
    std::uint64_t const target = run.stats.subscribers[0].load();
    if (target == 0) break;  // nobody left to measure
    f.current.store(-1, std::memory_order_release);  // late copies of the previous event stop counting
    f.received.store(0);
    f.last_receive_ns.store(0);
    f.target.store(target, std::memory_order_release);
    f.current.store(static_cast<std::int64_t>(k), std::memory_order_release);

    Stamp const stamp{steady_ns(), static_cast<std::int64_t>(k)};
    HttpResult const result = co_await client.request(http::verb::post, events_path(research_id), event_body(stamp),
                                                      *token, run.connect_timeout());
    run.publish_rtt.record(steady_ns() - stamp.sent_ns);
    if (result.status != 201) {
      run.stats.publish_failed.fetch_add(1);
      run.stats.publish_failures.add(result.reason());
      co_await sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    run.stats.published.fetch_add(1);
    run.stats.expected_deliveries.fetch_add(target);

    // Subscribers cancel the timer (through this executor) when the last of them got the event.
    wakeup.expires_at(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(stamp.sent_ns)) + timeout);
    f.wakeup.store(&wakeup);
    while (f.received.load(std::memory_order_acquire) < target && std::chrono::steady_clock::now() < wakeup.expiry() &&
           !run.stopping.load()) {
      co_await wakeup.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    f.wakeup.store(nullptr);
    run.fanout_events.fetch_add(1);
    std::uint64_t const got = f.received.load(std::memory_order_acquire);
    if (got >= target) {
      run.fanout_complete.record(f.last_receive_ns.load() - stamp.sent_ns);
    } else {
      run.fanout_timeouts.fetch_add(1);
      run.fanout_missing.fetch_add(target - got);
    }
  }
  f.current.store(-1);
}

}  // namespace gatehouse::loadgen
