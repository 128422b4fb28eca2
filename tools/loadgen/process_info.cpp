#include "loadgen/process_info.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <system_error>
#include <filesystem>

namespace gatehouse::loadgen {

namespace {

std::string proc_path(std::optional<int> pid, char const* file) {
  return "/proc/" + (pid ? std::to_string(*pid) : std::string("self")) + "/" + file;
}

}  // namespace

FileLimit raise_file_limit(std::uint64_t needed) {
  FileLimit out;
  out.needed = needed;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return out;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  out.soft = limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : limit.rlim_cur;
  out.hard = limit.rlim_max == RLIM_INFINITY ? UINT64_MAX : limit.rlim_max;
  return out;
}

std::optional<std::uint64_t> vm_rss_kib(std::optional<int> pid) {
  std::ifstream in(proc_path(pid, "status"));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("VmRSS:")) continue;
    auto const first = line.find_first_of("0123456789");
    if (first == std::string::npos) return std::nullopt;
    std::uint64_t kib = 0;
    auto const [end, ec] = std::from_chars(line.data() + first, line.data() + line.size(), kib);
    if (ec != std::errc()) return std::nullopt;
    return kib;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> open_file_limit_of(int pid) {
  std::ifstream in(proc_path(pid, "limits"));
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("Max open files")) continue;
    auto const first = line.find_first_of("0123456789", 14);
    if (first == std::string::npos) return std::nullopt;  // "unlimited"
    std::uint64_t soft = 0;
    std::from_chars(line.data() + first, line.data() + line.size(), soft);
    return soft;
  }
  return std::nullopt;
}

std::optional<double> cpu_seconds(std::optional<int> pid) {
  std::ifstream in(proc_path(pid, "stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  auto const close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int index = 3; fields >> field; ++index) {  // the first field after ')' is field 3 (state)
    if (index == 14) utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      long const ticks = ::sysconf(_SC_CLK_TCK);
      return static_cast<double>(utime + stime) / static_cast<double>(ticks > 0 ? ticks : 100);
    }
  }
  return std::nullopt;
}

bool process_exists(int pid) {
  std::error_code ec;
  return std::filesystem::exists("/proc/" + std::to_string(pid) + "/status", ec);
}

}  // namespace gatehouse::loadgen
