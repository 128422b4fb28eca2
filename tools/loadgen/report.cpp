#include "loadgen/report.hpp"

#include <boost/json/serialize.hpp>

#include <cinttypes>
#include <fstream>

namespace gatehouse::loadgen {

namespace {

double seconds_between(std::uint64_t from_ns, std::uint64_t to_ns) {
  return to_ns > from_ns ? static_cast<double>(to_ns - from_ns) / 1e9 : 0.0;
}

double per_second(std::uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

double connect_rate(Run const& run) {
  std::uint64_t const upgraded = run.stats.upgraded.load();
  double const span = seconds_between(run.stats.first_attempt_ns.load(), run.stats.last_upgrade_ns.load());
  // A single connection (or one burst) has no measurable span: report nothing rather than infinity.
  return upgraded > 1 ? per_second(upgraded, span) : 0.0;
}

std::string fixed(double value, int decimals = 1) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string latency_line(LatencySnapshot const& s) {
  if (s.count() == 0) return "-";
  return "p50 " + format_duration(s.percentile(50)) + "  p90 " + format_duration(s.percentile(90)) + "  p99 " +
         format_duration(s.percentile(99)) + "  p99.9 " + format_duration(s.percentile(99.9)) + "  max " +
         format_duration(s.max()) + "  (n=" + std::to_string(s.count()) + ")";
}

boost::json::object latency_json(LatencySnapshot const& s) {
  auto ms = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  return {{"count", s.count()},
          {"p50_ms", ms(s.percentile(50))},
          {"p90_ms", ms(s.percentile(90))},
          {"p99_ms", ms(s.percentile(99))},
          {"p999_ms", ms(s.percentile(99.9))},
          {"max_ms", ms(s.max())},
          {"mean_ms", s.mean() / 1e6},
          {"over_1s", s.count_above(1'000'000'000)}};
}

boost::json::object reasons_json(std::map<std::string, std::uint64_t> const& reasons) {
  boost::json::object out;
  for (auto const& [reason, count] : reasons) out[reason] = count;
  return out;
}

template <class T>
boost::json::value optional_json(std::optional<T> const& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

std::optional<double> per_stream_kib(std::optional<std::uint64_t> before, std::optional<std::uint64_t> after,
                                     std::uint64_t streams) {
  if (!before || !after || streams == 0) return std::nullopt;
  return (static_cast<double>(*after) - static_cast<double>(*before)) / static_cast<double>(streams);
}

void row(std::FILE* out, char const* label, std::string const& value) {
  std::fprintf(out, "  %-22s %s\n", label, value.c_str());
}

void reason_rows(std::FILE* out, std::map<std::string, std::uint64_t> const& reasons) {
  for (auto const& [reason, count] : reasons) std::fprintf(out, "  %-22s   %8" PRIu64 "  %s\n", "", count, reason.c_str());
}

std::string cpu_text(CpuSpan const& span, std::optional<double> CpuSpan::*which) {
  auto const& seconds = span.*which;
  if (!seconds) return "?";
  double const share = span.wall_s > 0 ? *seconds / span.wall_s * 100.0 : 0.0;
  return fixed(*seconds, 2) + " s (" + fixed(share, 0) + "% of a core)";
}

boost::json::value cpu_json(std::optional<CpuSpan> const& span) {
  if (!span) return nullptr;
  return boost::json::object{{"wall_s", span->wall_s},
                             {"server_cpu_s", optional_json(span->server_s)},
                             {"loadgen_cpu_s", optional_json(span->self_s)}};
}

}  // namespace

CpuMark CpuMark::now(std::optional<int> server_pid) {
  CpuMark mark;
  mark.at_ns = steady_ns();
  if (server_pid) mark.server_s = cpu_seconds(server_pid);
  mark.self_s = cpu_seconds(std::nullopt);
  return mark;
}

CpuSpan CpuMark::until(CpuMark const& end) const {
  CpuSpan span;
  span.wall_s = seconds_between(at_ns, end.at_ns);
  if (server_s && end.server_s) span.server_s = *end.server_s - *server_s;
  if (self_s && end.self_s) span.self_s = *end.self_s - *self_s;
  return span;
}

std::string format_duration(std::uint64_t ns) {
  if (ns < 1000) return std::to_string(ns) + "ns";
  if (ns < 1000000) return fixed(static_cast<double>(ns) / 1e3, 0) + "us";
  if (ns < 1000000000) return fixed(static_cast<double>(ns) / 1e6, 2) + "ms";
  return fixed(static_cast<double>(ns) / 1e9, 2) + "s";
}

std::string Progress::line(Run const& run) {
  std::uint64_t const now = steady_ns();
  std::uint64_t const upgraded = run.stats.upgraded.load();
  std::uint64_t const received = run.stats.received.load();
  double const interval = last_ns_ ? seconds_between(last_ns_, now) : seconds_between(run.started_ns, now);
  double const connect_per_s = per_second(upgraded - last_upgraded_, interval);
  double const events_per_s = per_second(received - last_received_, interval);
  last_ns_ = now;
  last_upgraded_ = upgraded;
  last_received_ = received;
  auto const delivery = run.delivery.snapshot();
  char text[512];
  std::snprintf(text, sizeof text,
                "[%5.1fs] %-10s sessions %" PRIu64 "/%zu  live %" PRIu64 "/%zu  failed %" PRIu64 "  dropped %" PRIu64
                "  connect %.0f/s  events %" PRIu64 " (%.0f/s)  p50 %s  p99 %s",
                seconds_between(run.started_ns, now), to_string(run.phase.load()), run.stats.sessions_ok.load(),
                run.plan.sessions, run.stats.live.load(), run.plan.streams, run.stats.failed.load(),
                run.stats.dropped.load(), connect_per_s, received, events_per_s,
                delivery.count() ? format_duration(delivery.percentile(50)).c_str() : "-",
                delivery.count() ? format_duration(delivery.percentile(99)).c_str() : "-");
  return text;
}

void print_summary(Run const& run, Measurements const& m, std::FILE* out) {
  Options const& o = run.options;
  Stats const& st = run.stats;
  std::fprintf(out, "\ngatehouse-load summary (run %s)\n", run.run_id.c_str());
  row(out, run.targets.size() > 1 ? "targets" : "target",
      run.describe_targets() + "  threads " + std::to_string(run.pool.size()) + ", source addresses " +
                         std::to_string(run.sources.size()) + " (" + run.sources.front().to_string() +
                         (run.sources.size() > 1 ? " .. " + run.sources.back().to_string() : std::string()) + ")");
  row(out, "run", fixed(m.elapsed_s) + " s (" + m.end_reason + "), kind " + to_string(o.kind) + ", auth " +
                      to_string(o.auth) + (o.fanout ? ", fan-out" : ""));
  row(out, "open-file limit", std::to_string(m.files.soft) + " (needed ~" + std::to_string(m.files.needed) + ")" +
                                  (m.files.enough() ? "" : "  TOO LOW") +
                                  (m.server_file_limit ? ", server " + std::to_string(*m.server_file_limit) : ""));

  double const mint_s = seconds_between(m.mint_start_ns, m.mint_end_ns);
  row(out, "sessions minted", std::to_string(st.sessions_ok.load()) + " / " + std::to_string(run.plan.sessions) +
                                  "  (" + fixed(per_second(st.sessions_ok.load(), mint_s)) + "/s, target " +
                                  fixed(o.session_rate) + "/s; " + std::to_string(run.plan.principals) +
                                  " principals)");
  row(out, "mint round trip", latency_line(run.mint_rtt.snapshot()));
  row(out, "research created", std::to_string(st.research_ok.load()) + " / " + std::to_string(run.plan.research));
  if (auto const setup = st.setup_failures.snapshot(); !setup.empty()) {
    std::uint64_t total = 0;
    for (auto const& [reason, count] : setup) total += count;
    row(out, "setup failures", std::to_string(total));
    reason_rows(out, setup);
  }

  row(out, "streams live", std::to_string(st.subscribed.load()) + " / " + std::to_string(run.plan.streams) +
                               " subscribed (ws " + std::to_string(st.ws_upgraded.load()) + ", sse " +
                               std::to_string(st.sse_upgraded.load()) + " upgraded; " +
                               std::to_string(st.live.load()) + " open at the end)");
  row(out, "connect rate", fixed(connect_rate(run)) + "/s upgrades achieved (target " +
                               (o.connect_rate > 0 ? fixed(o.connect_rate) + "/s" : std::string("unlimited")) +
                               ", " + fixed(seconds_between(run.connect_start_ns.load(), run.connect_end_ns.load()), 2) +
                               " s to open all)");
  row(out, "connect time", latency_line(run.connect_time.snapshot()));
  row(out, "failed", std::to_string(st.failed.load()));
  reason_rows(out, st.connect_failures.snapshot());
  row(out, "dropped while open", std::to_string(st.dropped.load()));
  reason_rows(out, st.drops.snapshot());

  std::uint64_t const published = st.published.load();
  double const publish_s = seconds_between(run.publish_start_ns.load(), run.publish_end_ns.load());
  row(out, "events published", std::to_string(published) + " (" + fixed(per_second(published, publish_s)) + "/s), " +
                                   std::to_string(st.publish_failed.load()) + " failed");
  reason_rows(out, st.publish_failures.snapshot());
  row(out, "publish round trip", latency_line(run.publish_rtt.snapshot()));
  row(out, "deliveries", std::to_string(st.received.load()) + " received / " +
                             std::to_string(st.expected_deliveries.load()) + " expected" +
                             (st.stream_errors.load() ? ", " + std::to_string(st.stream_errors.load()) + " ws errors"
                                                      : std::string()));
  auto const delivery = run.delivery.snapshot();
  row(out, "delivery latency", latency_line(delivery));
  if (auto const late = delivery.count_above(1'000'000'000)) {
    row(out, "late deliveries", std::to_string(late) + " took over 1 s");
  }
  if (o.fanout) {
    row(out, "fan-out events", std::to_string(run.fanout_events.load()) + " to " + std::to_string(m.live_at_open) +
                                   " subscribers, " + std::to_string(run.fanout_timeouts.load()) + " timed out (" +
                                   std::to_string(run.fanout_missing.load()) + " deliveries missing)");
    row(out, "fan-out to all", latency_line(run.fanout_complete.snapshot()));
  }
  for (auto const& [label, span] : {std::pair{"CPU while connecting", m.connect_cpu},
                                    std::pair{"CPU while publishing", m.publish_cpu}}) {
    if (!span) continue;
    std::string text = "loadgen " + cpu_text(*span, &CpuSpan::self_s);
    if (o.server_pid) text = "server " + cpu_text(*span, &CpuSpan::server_s) + ", " + text;
    row(out, label, text + " over " + fixed(span->wall_s, 1) + " s");
  }
  if (o.server_pid) {
    auto const open = per_stream_kib(m.server_rss_before_kib, m.server_rss_open_kib, m.live_at_open);
    auto const held = per_stream_kib(m.server_rss_before_kib, m.server_rss_held_kib, m.live_at_held);
    std::string text = "pid " + std::to_string(*o.server_pid);
    if (m.server_rss_before_kib && m.server_rss_open_kib) {
      text += ": " + std::to_string(*m.server_rss_before_kib / 1024) + " MiB before, " +
              std::to_string(*m.server_rss_open_kib / 1024) + " MiB with " + std::to_string(m.live_at_open) +
              " streams open";
    } else {
      text += ": VmRSS unreadable";
    }
    row(out, "server RSS", text);
    if (open) row(out, "server RSS / stream", fixed(*open, 2) + " KiB (once all were open)");
    if (held) row(out, "", fixed(*held, 2) + " KiB (after --hold, " + std::to_string(m.live_at_held) + " open)");
  }
  if (auto const self = per_stream_kib(m.self_rss_before_kib, m.self_rss_open_kib, m.live_at_open)) {
    row(out, "loadgen RSS / stream", fixed(*self, 2) + " KiB (" + std::to_string(m.self_rss_open_kib.value_or(0) / 1024) +
                                         " MiB total)");
  }
  std::fflush(out);
}

boost::json::object json_report(Run const& run, Measurements const& m) {
  Options const& o = run.options;
  Stats const& st = run.stats;
  boost::json::array targets;
  for (auto const& t : o.targets) targets.emplace_back(t);
  boost::json::object options{{"targets", std::move(targets)},
                              {"threads", run.pool.size()},
                              {"auth", to_string(o.auth)},
                              {"sessions", run.plan.sessions},
                              {"session_rate", o.session_rate},
                              {"streams", o.streams},
                              {"kind", to_string(o.kind)},
                              {"connect_rate", o.connect_rate},
                              {"research", run.plan.research},
                              {"source_addresses", run.sources.size()},
                              {"publish_rate", o.publish_rate},
                              {"fanout", o.fanout},
                              {"events", o.fanout ? boost::json::value(o.events) : boost::json::value(nullptr)},
                              {"hold_s", o.hold},
                              {"duration_s", o.duration}};
  double const mint_s = seconds_between(m.mint_start_ns, m.mint_end_ns);
  double const publish_s = seconds_between(run.publish_start_ns.load(), run.publish_end_ns.load());
  boost::json::object report{
      {"tool", "gatehouse-load"},
      {"run_id", run.run_id},
      {"options", std::move(options)},
      {"end_reason", m.end_reason},
      {"elapsed_s", m.elapsed_s},
      {"limits", boost::json::object{{"nofile_soft", m.files.soft},
                                     {"nofile_hard", m.files.hard},
                                     {"nofile_needed", m.files.needed},
                                     {"server_nofile", optional_json(m.server_file_limit)}}},
      {"sessions", boost::json::object{{"requested", run.plan.sessions},
                                       {"principals", run.plan.principals},
                                       {"minted", st.sessions_ok.load()},
                                       {"failed", st.sessions_failed.load()},
                                       {"rate_per_s", per_second(st.sessions_ok.load(), mint_s)},
                                       {"round_trip", latency_json(run.mint_rtt.snapshot())}}},
      {"research", boost::json::object{{"requested", run.plan.research},
                                       {"created", st.research_ok.load()},
                                       {"failed", st.research_failed.load()}}},
      {"setup_failures", reasons_json(st.setup_failures.snapshot())},
      {"streams",
       boost::json::object{{"requested", run.plan.streams},
                           {"attempted", st.attempted.load()},
                           {"upgraded", st.upgraded.load()},
                           {"ws_upgraded", st.ws_upgraded.load()},
                           {"sse_upgraded", st.sse_upgraded.load()},
                           {"subscribed", st.subscribed.load()},
                           {"open_at_end", st.live.load()},
                           {"failed", st.failed.load()},
                           {"dropped", st.dropped.load()},
                           {"connect_rate_per_s", connect_rate(run)},
                           {"open_all_s", seconds_between(run.connect_start_ns.load(), run.connect_end_ns.load())},
                           {"connect_time", latency_json(run.connect_time.snapshot())},
                           {"failures", reasons_json(st.connect_failures.snapshot())},
                           {"drops", reasons_json(st.drops.snapshot())}}},
      {"events", boost::json::object{{"published", st.published.load()},
                                     {"publish_failed", st.publish_failed.load()},
                                     {"publish_rate_per_s", per_second(st.published.load(), publish_s)},
                                     {"publish_failures", reasons_json(st.publish_failures.snapshot())},
                                     {"publish_round_trip", latency_json(run.publish_rtt.snapshot())},
                                     {"expected_deliveries", st.expected_deliveries.load()},
                                     {"received", st.received.load()},
                                     {"ws_errors", st.stream_errors.load()},
                                     {"delivery_latency", latency_json(run.delivery.snapshot())}}},
  };
  if (o.fanout) {
    report["fanout"] = boost::json::object{{"events", run.fanout_events.load()},
                                           {"subscribers", m.live_at_open},
                                           {"timeouts", run.fanout_timeouts.load()},
                                           {"missing_deliveries", run.fanout_missing.load()},
                                           {"complete_latency", latency_json(run.fanout_complete.snapshot())}};
  }
  auto const server_open = per_stream_kib(m.server_rss_before_kib, m.server_rss_open_kib, m.live_at_open);
  auto const server_held = per_stream_kib(m.server_rss_before_kib, m.server_rss_held_kib, m.live_at_held);
  auto const self_open = per_stream_kib(m.self_rss_before_kib, m.self_rss_open_kib, m.live_at_open);
  report["cpu"] = boost::json::object{{"connecting", cpu_json(m.connect_cpu)}, {"publishing", cpu_json(m.publish_cpu)}};
  report["memory"] = boost::json::object{{"server_pid", optional_json(o.server_pid)},
                                         {"server_rss_before_kib", optional_json(m.server_rss_before_kib)},
                                         {"server_rss_open_kib", optional_json(m.server_rss_open_kib)},
                                         {"server_rss_held_kib", optional_json(m.server_rss_held_kib)},
                                         {"streams_open_at_sample", m.live_at_open},
                                         {"streams_open_after_hold", m.live_at_held},
                                         {"server_rss_per_stream_kib", optional_json(server_open)},
                                         {"server_rss_per_stream_after_hold_kib", optional_json(server_held)},
                                         {"loadgen_rss_open_kib", optional_json(m.self_rss_open_kib)},
                                         {"loadgen_rss_per_stream_kib", optional_json(self_open)}};
  return report;
}

std::string write_json_report(Run const& run, Measurements const& m, std::filesystem::path const& path) {
  std::ofstream out(path, std::ios::trunc);
  out << boost::json::serialize(json_report(run, m)) << "\n";
  out.close();
  if (!out) return "cannot write " + path.string();
  return {};
}

}  // namespace gatehouse::loadgen
