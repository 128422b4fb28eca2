// gatehouse-load: drives a gatehouse on this machine with many authenticated streams, measures
// what it sees, and stops by itself. Wiring only: the phases of a run, the progress loop, the
// summary. Usage errors and non-loopback targets exit 2 with one line on stderr; a run whose
// setup failed exits 1.
#include "loadgen/loopback.hpp"
#include "loadgen/options.hpp"
#include "loadgen/process_info.hpp"
#include "loadgen/publisher.hpp"
#include "loadgen/report.hpp"
#include "loadgen/research_setup.hpp"
#include "loadgen/run.hpp"
#include "loadgen/session_minter.hpp"
#include "loadgen/stream_clients.hpp"

#include <boost/asio/co_spawn.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using namespace gatehouse::loadgen;

volatile std::sig_atomic_t interrupted = 0;

void on_signal(int) { interrupted = 1; }

constexpr auto drain_time = std::chrono::seconds(1);  // for events in flight when publishing stops

asio::awaitable<void> run_phases(Run& run, Measurements& m) {
  Options const& o = run.options;
  m.mint_start_ns = steady_ns();
  co_await mint_sessions(run);
  m.mint_end_ns = steady_ns();
  if (run.stats.sessions_ok.load() == 0) {
    run.setup_failed = true;
    co_return;
  }
  run.phase = Phase::research;
  co_await create_research(run);
  if (run.stats.research_ok.load() == 0) {
    run.setup_failed = true;
    co_return;
  }

  m.server_rss_before_kib = o.server_pid ? vm_rss_kib(o.server_pid) : std::nullopt;
  m.self_rss_before_kib = vm_rss_kib(std::nullopt);
  run.phase = Phase::connecting;
  auto const connect_mark = CpuMark::now(o.server_pid);
  co_await open_streams(run);
  m.connect_cpu = connect_mark.until(CpuMark::now(o.server_pid));

  // Let the server finish what the last upgrades started before sampling its memory.
  run.phase = Phase::settling;
  if (o.server_pid) co_await sleep_for(std::chrono::seconds(1));
  m.live_at_open = run.stats.live.load();
  m.server_rss_open_kib = o.server_pid ? vm_rss_kib(o.server_pid) : std::nullopt;
  m.self_rss_open_kib = vm_rss_kib(std::nullopt);

  if (o.hold > 0) {
    run.phase = Phase::holding;
    std::uint64_t const until = std::min(run.deadline_ns, steady_ns() + static_cast<std::uint64_t>(o.hold * 1e9));
    co_await sleep_until_ns(until);
    m.live_at_held = run.stats.live.load();
    m.server_rss_held_kib = o.server_pid ? vm_rss_kib(o.server_pid) : std::nullopt;
  }

  std::uint64_t const drain_ns = std::chrono::nanoseconds(drain_time).count();
  std::uint64_t const publish_until = run.deadline_ns > drain_ns ? run.deadline_ns - drain_ns : run.deadline_ns;
  if (o.fanout || o.publish_rate > 0) {
    run.phase = o.fanout ? Phase::fanout : Phase::publishing;
    run.publish_start_ns = steady_ns();
    auto const publish_mark = CpuMark::now(o.server_pid);
    if (o.fanout) {
      co_await publish_fanout(run, publish_until);
    } else {
      co_await publish_at_rate(run, publish_until);
    }
    m.publish_cpu = publish_mark.until(CpuMark::now(o.server_pid));
    run.publish_end_ns = steady_ns();
    run.phase = Phase::draining;
    std::uint64_t const drained = steady_ns() + drain_ns;
    while (run.stats.received.load() < run.stats.expected_deliveries.load() && steady_ns() < drained) {
      co_await sleep_for(std::chrono::milliseconds(20));
    }
  }
}

struct PhasesDone {
  Run* run;
  std::atomic<bool>* done;
  void operator()(std::exception_ptr error) const {
    Finished{nullptr, "the run"}(error);
    if (error) run->setup_failed = true;
    run->phase = Phase::done;
    done->store(true);
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> const args(argv + 1, argv + argc);
  auto const parsed = parse_options(args);
  if (parsed.help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "gatehouse-load: %s\n", parsed.error.c_str());
    return 2;
  }
  Options const& options = parsed.options;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  for (auto const& text : options.targets) {
    auto const target = resolve_loopback_target(text);
    if (!target.endpoint) {
      std::fprintf(stderr, "gatehouse-load: %s\n", target.error.c_str());
      return 2;
    }
    endpoints.push_back(*target.endpoint);
  }
  if (options.server_pid && !process_exists(*options.server_pid)) {
    std::fprintf(stderr, "gatehouse-load: --server-pid %d: no such process\n", *options.server_pid);
    return 2;
  }

  Measurements m;
  // Every stream is a descriptor; the HTTP clients and the runtime need a few more.
  m.files = raise_file_limit(options.streams + 256);
  if (!m.files.enough()) {
    std::fprintf(stderr,
                 "gatehouse-load: warning: the open-file limit is %llu (hard limit) but this run needs about %llu; "
                 "streams beyond it will fail with 'too many open files' (raise the hard limit: ulimit -Hn, "
                 "LimitNOFILE=)\n",
                 static_cast<unsigned long long>(m.files.soft), static_cast<unsigned long long>(m.files.needed));
  }
  if (options.server_pid) {
    m.server_file_limit = open_file_limit_of(*options.server_pid);
    if (m.server_file_limit && *m.server_file_limit < options.streams + 64) {
      std::fprintf(stderr, "gatehouse-load: warning: the server's open-file limit is %llu, below --streams %zu\n",
                   static_cast<unsigned long long>(*m.server_file_limit), options.streams);
    }
  }

  IoPool pool(options.threads);
  Run run(options, endpoints, pool);
  if (endpoints.front().address().is_v6() && options.streams > 28000) {
    std::fprintf(stderr, "gatehouse-load: warning: an IPv6 target has one source address (::1), so about 28000 "
                         "streams at most; use an IPv4 loopback target for more\n");
  }
  if (options.auth == AuthMode::jwt) {
    try {
      run.signer.emplace(gatehouse::auth::JwtSigner::load(*options.dev_key));
    } catch (std::exception const& e) {
      std::fprintf(stderr, "gatehouse-load: --dev-key: %s\n", e.what());
      return 1;
    }
  }

  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  run.started_ns = steady_ns();
  run.deadline_ns = run.started_ns + static_cast<std::uint64_t>(options.duration * 1e9);
  std::atomic<bool> done{false};
  asio::co_spawn(pool.context(0), run_phases(run, m), PhasesDone{&run, &done});
  pool.start();

  Progress progress;
  bool const tty = ::isatty(STDERR_FILENO) != 0;
  std::uint64_t next_line = run.started_ns + 1'000'000'000;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::uint64_t const now = steady_ns();
    if (done.load()) break;
    if (interrupted) {
      m.end_reason = "interrupted";
      break;
    }
    if (now >= run.deadline_ns) {
      m.end_reason = "--duration reached";
      break;
    }
    if (now >= next_line) {
      std::string const line = progress.line(run);
      std::fprintf(stderr, tty ? "\r%s\x1b[K" : "%s\n", line.c_str());
      next_line += 1'000'000'000;
    }
  }
  run.stopping = true;
  std::uint64_t const ended = steady_ns();
  m.elapsed_s = static_cast<double>(ended - run.started_ns) / 1e9;
  std::string const last = progress.line(run);
  std::fprintf(stderr, tty ? "\r%s\x1b[K\n" : "%s\n", last.c_str());
  pool.stop();

  if (m.end_reason != "completed" && run.connect_end_ns.load() == 0) run.connect_end_ns = ended;
  if (run.publish_start_ns.load() && !run.publish_end_ns.load()) run.publish_end_ns = ended;
  print_summary(run, m, stdout);
  int status = run.setup_failed.load() ? 1 : 0;
  if (options.json_report) {
    if (auto const error = write_json_report(run, m, *options.json_report); !error.empty()) {
      std::fprintf(stderr, "gatehouse-load: %s\n", error.c_str());
      status = 1;
    }
  }
  if (run.setup_failed.load()) {
    std::fprintf(stderr, "gatehouse-load: setup failed (%s); is a gatehouse listening on %s?\n",
                 run.stats.sessions_ok.load() == 0 ? "no session could be minted" : "no research item could be created",
                 run.describe_targets().c_str());
  }
  pool.destroy();  // the connections' coroutine frames go before the run state they point to
  return status;
}
