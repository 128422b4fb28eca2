#pragma once
// gatehouse-load's command line: every flag, its default, its bounds and its help text.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::loadgen {

enum class StreamKind { ws, sse, mix };
enum class AuthMode { anonymous, jwt };

char const* to_string(StreamKind kind);
char const* to_string(AuthMode mode);

inline constexpr std::size_t max_streams = 200000;
inline constexpr double max_duration_seconds = 600;

struct Options {
  // Every --target (several: the nodes of one deployment; streams, minting and publishing are
  // spread over them round-robin).
  std::vector<std::string> targets{"127.0.0.1:8080"};
  bool targets_given = false;
  unsigned threads = 1;

  AuthMode auth = AuthMode::anonymous;
  std::optional<std::filesystem::path> dev_key;
  std::optional<std::string> issuer;
  std::optional<std::string> azp;
  std::size_t sessions = 0;  // 0: min(streams, 1000)
  double session_rate = 1000;

  std::size_t streams = 100;
  StreamKind kind = StreamKind::ws;
  double connect_rate = 1000;  // 0: as fast as --max-inflight allows
  std::size_t max_inflight = 1000;
  double connect_timeout = 10;
  std::size_t research = 0;        // 0: one per session
  unsigned source_addresses = 0;   // 0: ceil(streams / 28000)

  double publish_rate = 0;
  bool fanout = false;
  std::size_t events = 100;
  double fanout_timeout = 10;

  double hold = 0;
  std::optional<int> server_pid;
  double duration = 30;
  std::optional<std::filesystem::path> json_report;
};

struct ParsedOptions {
  Options options;
  bool help = false;
  std::string error;  // one line; non-empty means exit 2
};

ParsedOptions parse_options(std::vector<std::string> const& args);
std::string usage();

}  // namespace gatehouse::loadgen
