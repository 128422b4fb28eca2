#pragma once
// The state one gatehouse-load run shares between its parts: the plan (which session and research
// item each stream uses), the tokens and research ids made during setup, the counters and
// histograms, the fan-out rendezvous, and the io_context-per-thread pool everything runs on.
#include "loadgen/latency_histogram.hpp"
#include "loadgen/options.hpp"
#include "loadgen/stats.hpp"

#include "gatehouse/auth/jwt_signer.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::loadgen {

// Which session and research item each stream uses. A research item belongs to the principal
// that created it, and only that principal's sessions may subscribe to it, so: there are
// P = min(sessions, research) principals (1 with --fanout); session s belongs to principal
// s % P (sessions of one principal share its device id or JWT sub); research item r is created
// by principal r % P; stream i uses session i % K and one of its principal's research items.
struct Plan {
  std::size_t streams = 0;
  std::size_t sessions = 1;
  std::size_t research = 1;
  std::size_t principals = 1;
  StreamKind kind = StreamKind::ws;

  static Plan make(Options const& o);
  std::size_t session_of_stream(std::size_t i) const { return i % sessions; }
  std::size_t principal_of_session(std::size_t s) const { return s % principals; }
  std::size_t owner_of_research(std::size_t r) const { return r % principals; }
  std::size_t research_of_stream(std::size_t i) const;
  bool is_websocket(std::size_t i) const { return kind == StreamKind::ws || (kind == StreamKind::mix && i % 2 == 0); }
};

class IoPool {
 public:
  explicit IoPool(unsigned threads);
  ~IoPool();
  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(std::size_t i) { return *contexts_[i % contexts_.size()]; }
  void start();
  void stop();     // stops the loops and joins the threads; pending work is abandoned
  void destroy();  // stop(), then destroys the contexts and every coroutine and socket in them

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
};

enum class Phase : int { sessions, research, connecting, settling, holding, publishing, fanout, draining, done };
char const* to_string(Phase phase);

// One fan-out measurement at a time: the publisher arms it, subscribers count in.
struct Fanout {
  std::atomic<std::int64_t> current{-1};  // the event (k) being measured
  std::atomic<std::uint64_t> target{0};   // subscribers expected to get it
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> last_receive_ns{0};
  std::atomic<boost::asio::steady_timer*> wakeup{nullptr};  // the publisher's wait, on `executor`
  boost::asio::any_io_executor executor;
};

// One gatehouse node to load.
struct Target {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host;  // the Host header
};

struct Run {
  Run(Options const& o, std::vector<boost::asio::ip::tcp::endpoint> const& endpoints, IoPool& io_pool);

  Options const& options;
  Plan plan;
  std::vector<Target> targets;
  // Work item i (a stream, a minting or publishing worker) goes to target i % targets.size().
  Target const& target_of(std::size_t i) const { return targets[i % targets.size()]; }
  // Stream i's target: both kinds of a mix are spread over every target (a mix alternates kinds).
  Target const& stream_target(std::size_t i) const {
    return target_of(plan.kind == StreamKind::mix ? i / 2 : i);
  }
  std::string describe_targets() const;
  std::vector<boost::asio::ip::address> sources;
  std::string run_id;  // in device ids and JWT subs, so runs never share principals
  std::optional<auth::JwtSigner> signer;
  IoPool& pool;

  std::vector<std::string> tokens;        // per session; "" when minting failed
  std::vector<std::string> research_ids;  // per research item; "" when creation failed

  Stats stats;
  LatencyHistogram delivery;         // publish time -> receive time, every subscriber, every event
  LatencyHistogram connect_time;     // start of connect -> live (subscribed)
  LatencyHistogram publish_rtt;      // POST /research/{id}/events round trip
  LatencyHistogram mint_rtt;         // session minting round trip
  LatencyHistogram fanout_complete;  // publish time -> last subscriber got it
  Fanout fanout;
  std::atomic<std::uint64_t> fanout_events{0};
  std::atomic<std::uint64_t> fanout_timeouts{0};
  std::atomic<std::uint64_t> fanout_missing{0};

  std::atomic<Phase> phase{Phase::sessions};
  std::atomic<bool> stopping{false};  // set at the end: closes are not drops
  std::atomic<bool> setup_failed{false};
  std::uint64_t started_ns = 0;
  std::uint64_t deadline_ns = 0;
  std::atomic<std::uint64_t> connect_start_ns{0};
  std::atomic<std::uint64_t> connect_end_ns{0};
  std::atomic<std::uint64_t> publish_start_ns{0};
  std::atomic<std::uint64_t> publish_end_ns{0};

  // The token a principal creates and publishes with (its first session that was minted).
  std::string const* principal_token(std::size_t principal) const;
  std::chrono::milliseconds connect_timeout() const;
};

// Completion handler for co_spawn: reports an escaped exception on stderr (once per `what`) and
// counts the coroutine as finished.
struct Finished {
  std::shared_ptr<std::atomic<std::size_t>> remaining;  // may be null
  char const* what;
  void operator()(std::exception_ptr error) const;
};

// Coroutine helpers.
boost::asio::awaitable<void> sleep_for(std::chrono::nanoseconds duration);
boost::asio::awaitable<void> sleep_until_ns(std::uint64_t steady_time_ns);

// Hands out slots 0, 1, 2, ... due at start + slot / rate (rate 0: all due at once).
class Pacer {
 public:
  Pacer(double rate, std::uint64_t start_ns) : rate_(rate), start_ns_(start_ns) {}
  std::size_t take() { return next_.fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t due_ns(std::size_t slot) const;

 private:
  double rate_;
  std::uint64_t start_ns_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace gatehouse::loadgen
