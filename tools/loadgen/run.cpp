#include "loadgen/run.hpp"

#include "loadgen/loopback.hpp"

#include "gatehouse/crypto/random.hpp"

#include "gatehouse/net.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstdio>

namespace gatehouse::loadgen {

Plan Plan::make(Options const& o) {
  Plan p;
  p.streams = o.streams;
  p.sessions = std::max<std::size_t>(1, o.sessions);
  p.research = o.fanout ? 1 : std::max<std::size_t>(1, o.research);
  p.principals = o.fanout ? 1 : std::min(p.sessions, p.research);
  p.kind = o.kind;
  return p;
}

std::size_t Plan::research_of_stream(std::size_t i) const {
  std::size_t const principal = principal_of_session(session_of_stream(i));
  std::size_t const owned = (research - principal + principals - 1) / principals;  // items r with r % P == principal
  std::size_t const pick = (i / sessions) % owned;
  return principal + pick * principals;
}

IoPool::IoPool(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    guards_.emplace_back(contexts_.back()->get_executor());
  }
}

IoPool::~IoPool() { stop(); }

void IoPool::start() {
  for (auto& ctx : contexts_) threads_.emplace_back([c = ctx.get()] { c->run(); });
}

void IoPool::stop() {
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void IoPool::destroy() {
  stop();
  guards_.clear();
  contexts_.clear();
}

char const* to_string(Phase phase) {
  switch (phase) {
    case Phase::sessions: return "sessions";
    case Phase::research: return "research";
    case Phase::connecting: return "connecting";
    case Phase::settling: return "settling";
    case Phase::holding: return "holding";
    case Phase::publishing: return "publishing";
    case Phase::fanout: return "fanout";
    case Phase::draining: return "draining";
    case Phase::done: return "done";
  }
  return "?";
}

Run::Run(Options const& o, std::vector<asio::ip::tcp::endpoint> const& endpoints, IoPool& io_pool)
    : options(o),
      plan(Plan::make(o)),
      run_id(crypto::random_id("", 4)),
      pool(io_pool),
      tokens(plan.sessions),
      research_ids(plan.research),
      stats(plan.research) {
  for (auto const& e : endpoints) {
    std::string const address = e.address().to_string();
    targets.push_back(Target{e, (e.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(e.port())});
  }
  std::size_t ports = std::min<std::size_t>(28000, ephemeral_port_count().value_or(28000));
  // Each source address reaches every target with its own ephemeral ports: the count is per target.
  std::size_t const per_target = (o.streams + targets.size() - 1) / targets.size();
  unsigned const count = o.source_addresses ? o.source_addresses : default_source_address_count(per_target + 64, ports);
  sources = source_addresses(targets.front().endpoint.address(), count);
  fanout.executor = pool.context(0).get_executor();
}

std::string Run::describe_targets() const {
  std::string out;
  for (auto const& t : targets) out += (out.empty() ? "" : ", ") + t.host;
  return out;
}

std::string const* Run::principal_token(std::size_t principal) const {
  for (std::size_t s = principal; s < tokens.size(); s += plan.principals) {
    if (!tokens[s].empty()) return &tokens[s];
  }
  return nullptr;
}

std::chrono::milliseconds Run::connect_timeout() const {
  return std::chrono::milliseconds(static_cast<std::int64_t>(options.connect_timeout * 1000));
}

void Finished::operator()(std::exception_ptr error) const {
  if (error) {
    static std::atomic<int> reported{0};
    if (reported.fetch_add(1) < 5) {
      try {
        std::rethrow_exception(error);
      } catch (std::exception const& e) {
        std::fprintf(stderr, "gatehouse-load: %s failed: %s\n", what, e.what());
      } catch (...) {
        std::fprintf(stderr, "gatehouse-load: %s failed\n", what);
      }
    }
  }
  if (remaining) remaining->fetch_sub(1, std::memory_order_acq_rel);
}

asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration) {
  if (duration <= std::chrono::nanoseconds::zero()) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> sleep_until_ns(std::uint64_t steady_time_ns) {
  std::uint64_t const now = steady_ns();
  if (steady_time_ns > now) co_await sleep_for(std::chrono::nanoseconds(steady_time_ns - now));
}

std::uint64_t Pacer::due_ns(std::size_t slot) const {
  if (rate_ <= 0) return start_ns_;
  return start_ns_ + static_cast<std::uint64_t>(static_cast<double>(slot) * 1e9 / rate_);
}

}  // namespace gatehouse::loadgen
