#pragma once
// The process-level facts a run depends on or measures: the open-file limit (raised to the hard
// limit, since every stream is a descriptor) and VmRSS from /proc/PID/status.
#include <cstdint>
#include <optional>

namespace gatehouse::loadgen {

struct FileLimit {
  std::uint64_t soft = 0;  // after raising
  std::uint64_t hard = 0;
  std::uint64_t needed = 0;
  bool enough() const { return soft >= needed; }
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit.
FileLimit raise_file_limit(std::uint64_t needed);

// VmRSS in KiB of a process (this one when pid is nullopt); nullopt when unreadable.
std::optional<std::uint64_t> vm_rss_kib(std::optional<int> pid);

// The soft "Max open files" of another process (/proc/PID/limits).
std::optional<std::uint64_t> open_file_limit_of(int pid);

bool process_exists(int pid);

// User + system CPU time in seconds of a process (this one when pid is nullopt), from
// /proc/PID/stat; nullopt when unreadable.
std::optional<double> cpu_seconds(std::optional<int> pid);

}  // namespace gatehouse::loadgen
