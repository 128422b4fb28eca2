#pragma once
// What a run tells: a progress line on stderr once per second, and at the end a summary table on
// stdout and optionally the same figures as JSON.
#include "loadgen/process_info.hpp"
#include "loadgen/run.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

namespace gatehouse::loadgen {

// CPU time spent by the server and by this tool over one phase.
struct CpuSpan {
  double wall_s = 0;
  std::optional<double> server_s;
  std::optional<double> self_s;
};

struct CpuMark {
  std::uint64_t at_ns = 0;
  std::optional<double> server_s;
  std::optional<double> self_s;
  static CpuMark now(std::optional<int> server_pid);
  CpuSpan until(CpuMark const& end) const;
};

// Measured by the run's orchestration, read once the run is over.
struct Measurements {
  FileLimit files;
  std::optional<std::uint64_t> server_file_limit;
  std::optional<std::uint64_t> server_rss_before_kib;  // before any stream connected
  std::optional<std::uint64_t> server_rss_open_kib;    // once all streams were open
  std::optional<std::uint64_t> server_rss_held_kib;    // at the end of --hold
  std::optional<std::uint64_t> self_rss_before_kib;
  std::optional<std::uint64_t> self_rss_open_kib;
  std::uint64_t live_at_open = 0;
  std::uint64_t live_at_held = 0;
  std::optional<CpuSpan> connect_cpu;
  std::optional<CpuSpan> publish_cpu;
  std::uint64_t mint_start_ns = 0;
  std::uint64_t mint_end_ns = 0;
  std::string end_reason = "completed";
  double elapsed_s = 0;
};

class Progress {
 public:
  // One line: phase, live/failed/dropped streams, connect rate and events over the last interval,
  // delivery p50/p99 so far.
  std::string line(Run const& run);

 private:
  std::uint64_t last_ns_ = 0;
  std::uint64_t last_upgraded_ = 0;
  std::uint64_t last_received_ = 0;
};

// "850us", "1.23ms", "2.50s"
std::string format_duration(std::uint64_t ns);

void print_summary(Run const& run, Measurements const& m, std::FILE* out);
boost::json::object json_report(Run const& run, Measurements const& m);
// Returns an error message, or "" when written.
std::string write_json_report(Run const& run, Measurements const& m, std::filesystem::path const& path);

}  // namespace gatehouse::loadgen
