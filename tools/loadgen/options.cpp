#include "loadgen/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <thread>

namespace gatehouse::loadgen {

char const* to_string(StreamKind kind) {
  switch (kind) {
    case StreamKind::ws: return "ws";
    case StreamKind::sse: return "sse";
    case StreamKind::mix: return "mix";
  }
  return "?";
}

char const* to_string(AuthMode mode) { return mode == AuthMode::jwt ? "jwt" : "anonymous"; }

namespace {

struct Flag {
  char const* name;   // without "--"
  char const* value;  // metavariable, or nullptr for a switch
  char const* help;
  std::function<std::string(Options&, std::string const&)> apply;  // an error, or ""
};

std::string parse_count(std::string const& text, std::size_t min, std::size_t max, std::size_t& out) {
  std::size_t value = 0;
  auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return "expects a whole number, got '" + text + "'";
  }
  if (value < min || value > max) {
    return "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text;
  }
  out = value;
  return {};
}

template <class T>
std::string parse_small(std::string const& text, std::size_t min, std::size_t max, T& out) {
  std::size_t value = 0;
  auto error = parse_count(text, min, max, value);
  if (error.empty()) out = static_cast<T>(value);
  return error;
}

// "2.5", and for rates also "500/s".
std::string parse_number(std::string text, double min, double max, double& out, bool rate) {
  if (rate && text.size() > 2 && text.ends_with("/s")) text.resize(text.size() - 2);
  double value = 0;
  auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::string("expects a number") + (rate ? " (e.g. 500 or 500/s)" : "") + ", got '" + text + "'";
  }
  if (value < min || value > max) {
    auto const show = [](double v) {
      std::string s = std::to_string(v);
      s.erase(s.find_last_not_of('0') + 1);
      if (s.ends_with('.')) s.pop_back();
      return s;
    };
    return "must be between " + show(min) + " and " + show(max) + ", got " + text;
  }
  out = value;
  return {};
}

std::vector<Flag> const& flags() {
  static std::vector<Flag> const all = {
      {"target", "HOST:PORT",
       "a gatehouse to load (default 127.0.0.1:8080); repeat it (or separate with commas) for the nodes of "
       "one deployment: streams, session minting and publishes go round-robin over them. Each must resolve "
       "to loopback (127.0.0.0/8 or ::1), anything else is refused with exit 2",
       [](Options& o, std::string const& v) -> std::string {
         if (!o.targets_given) o.targets.clear();
         o.targets_given = true;
         std::size_t start = 0;
         while (start <= v.size()) {
           auto const comma = v.find(',', start);
           std::string const one = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
           if (one.empty()) return "expects HOST:PORT[,HOST:PORT...]";
           o.targets.push_back(one);
           if (comma == std::string::npos) break;
           start = comma + 1;
         }
         if (o.targets.size() > 64) return "at most 64 targets";
         return {};
       }},
      {"threads", "N", "io_context threads, one event loop each (default: half the cores, at least 1; max 64)",
       [](Options& o, std::string const& v) { return parse_small(v, 1, 64, o.threads); }},
      {"auth", "anonymous|jwt",
       "how sessions are minted: POST /auth/anonymous with distinct device ids (default), or Clerk-shaped "
       "JWTs signed locally with --dev-key and exchanged at POST /auth/session",
       [](Options& o, std::string const& v) -> std::string {
         if (v == "anonymous") o.auth = AuthMode::anonymous;
         else if (v == "jwt") o.auth = AuthMode::jwt;
         else return "expects anonymous or jwt, got '" + v + "'";
         return {};
       }},
      {"dev-key", "PATH",
       "with --auth jwt: the development signing key (gatehouse-dev-key.pem, created by `gatehouse --dev` "
       "next to its database)",
       [](Options& o, std::string const& v) -> std::string {
         if (v.empty()) return "expects a path";
         o.dev_key = v;
         return {};
       }},
      {"issuer", "ISS", "with --auth jwt: the iss claim of minted JWTs (default: none)",
       [](Options& o, std::string const& v) -> std::string {
         o.issuer = v;
         return {};
       }},
      {"azp", "ORIGIN", "with --auth jwt: the azp claim of minted JWTs (default: none)",
       [](Options& o, std::string const& v) -> std::string {
         o.azp = v;
         return {};
       }},
      {"sessions", "K",
       "session tokens to mint (default min(streams, 1000), max 200000); streams are spread over them, so "
       "several streams share one token",
       [](Options& o, std::string const& v) { return parse_count(v, 1, max_streams, o.sessions); }},
      {"session-rate", "N/s", "target rate of session minting (default 1000/s)",
       [](Options& o, std::string const& v) { return parse_number(v, 0.1, 1e6, o.session_rate, true); }},
      {"streams", "N", "concurrent authenticated streams to open (default 100, max 200000)",
       [](Options& o, std::string const& v) { return parse_count(v, 0, max_streams, o.streams); }},
      {"kind", "ws|sse|mix",
       "stream kind: GET /ws with a subscribe message, GET /research/{id}/events, or alternating (default ws)",
       [](Options& o, std::string const& v) -> std::string {
         if (v == "ws") o.kind = StreamKind::ws;
         else if (v == "sse") o.kind = StreamKind::sse;
         else if (v == "mix") o.kind = StreamKind::mix;
         else return "expects ws, sse or mix, got '" + v + "'";
         return {};
       }},
      {"connect-rate", "N/s",
       "target rate of new stream connections (default 1000/s; 0: as fast as --max-inflight allows)",
       [](Options& o, std::string const& v) { return parse_number(v, 0, 1e6, o.connect_rate, true); }},
      {"max-inflight", "N", "stream connections being set up at once, at most (default 1000)",
       [](Options& o, std::string const& v) { return parse_count(v, 1, 100000, o.max_inflight); }},
      {"connect-timeout", "SECONDS",
       "deadline for connect + upgrade + subscription of one stream (default 10)",
       [](Options& o, std::string const& v) { return parse_number(v, 0.1, 120, o.connect_timeout, false); }},
      {"research", "R",
       "research items to create (POST /research) and subscribe to (default: one per session, max 200000); "
       "each stream subscribes to one its session's principal created",
       [](Options& o, std::string const& v) { return parse_count(v, 1, max_streams, o.research); }},
      {"source-addresses", "K",
       "spread connections over source addresses 127.0.0.1 .. 127.0.0.K (default ceil(streams / 28000), "
       "since one address has ~28000 ephemeral ports; max 254; IPv6 targets have only ::1)",
       [](Options& o, std::string const& v) { return parse_small(v, 1, 254, o.source_addresses); }},
      {"publish-rate", "N/s",
       "publish events (POST /research/{id}/events, round robin over the research items) at this rate once "
       "all streams are open, until the end of --duration; each event carries its send time, and every "
       "subscriber records its delivery latency (default 0: no publishing)",
       [](Options& o, std::string const& v) { return parse_number(v, 0, 1e5, o.publish_rate, true); }},
      {"fanout", nullptr,
       "fan-out mode: one research item, every stream subscribes to it (all sessions belong to one "
       "principal), then --events events are published one at a time, each once every subscriber got the "
       "previous one (or --fanout-timeout passed): measures 1 event to N subscribers",
       [](Options& o, std::string const&) -> std::string {
         o.fanout = true;
         return {};
       }},
      {"events", "E", "with --fanout: events to publish (default 100, max 100000)",
       [](Options& o, std::string const& v) { return parse_count(v, 1, 100000, o.events); }},
      {"fanout-timeout", "SECONDS", "with --fanout: how long to wait for all subscribers to get one event (default 10)",
       [](Options& o, std::string const& v) { return parse_number(v, 0.01, 600, o.fanout_timeout, false); }},
      {"hold", "SECONDS",
       "keep the streams open and idle this long once all are open, before any publishing (default 0)",
       [](Options& o, std::string const& v) { return parse_number(v, 0, max_duration_seconds, o.hold, false); }},
      {"server-pid", "PID",
       "sample VmRSS of this process (/proc/PID/status) before connecting and once all streams are open "
       "(and after --hold), and report the server's RSS per idle stream, and its CPU time while connecting "
       "and publishing; start the server afresh for RSS figures (memory freed by an earlier run is reused)",
       [](Options& o, std::string const& v) { return parse_small(v, 1, 4194304, o.server_pid.emplace()); }},
      {"duration", "SECONDS",
       "hard bound on the whole run (default 30, max 600); the run also ends when there is nothing left to "
       "do (streams open, --hold over, fan-out events sent)",
       [](Options& o, std::string const& v) { return parse_number(v, 1, max_duration_seconds, o.duration, false); }},
      {"json-report", "PATH", "also write the summary as JSON to PATH",
       [](Options& o, std::string const& v) -> std::string {
         if (v.empty()) return "expects a path";
         o.json_report = v;
         return {};
       }},
      {"help", nullptr, "print this help and exit", [](Options&, std::string const&) { return std::string(); }},
  };
  return all;
}

std::string check(Options& o, std::vector<std::string> const& given) {
  auto const was_given = [&](std::string_view name) { return std::find(given.begin(), given.end(), name) != given.end(); };
  if (o.auth == AuthMode::jwt && !o.dev_key) return "--auth jwt needs --dev-key PATH (gatehouse-dev-key.pem)";
  if (o.auth != AuthMode::jwt) {
    for (char const* name : {"dev-key", "issuer", "azp"}) {
      if (was_given(name)) return std::string("--") + name + " only applies to --auth jwt";
    }
  }
  if (o.fanout) {
    if (o.publish_rate > 0) return "--fanout publishes one event at a time; drop --publish-rate";
    if (was_given("research") && o.research != 1) return "--fanout uses exactly one research item; drop --research";
    o.research = 1;
  } else {
    for (char const* name : {"events", "fanout-timeout"}) {
      if (was_given(name)) return std::string("--") + name + " only applies to --fanout";
    }
  }
  if (!was_given("threads")) o.threads = std::max(1u, std::thread::hardware_concurrency() / 2);
  if (o.sessions == 0) o.sessions = std::clamp<std::size_t>(o.streams, 1, 1000);
  if (o.research == 0) o.research = o.sessions;
  if (o.hold >= o.duration) return "--hold must be shorter than --duration";
  return {};
}

std::string wrap(std::string const& text, std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t column = indent;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto const space = text.find(' ', pos);
    std::string const word = text.substr(pos, space == std::string::npos ? std::string::npos : space - pos);
    if (column > indent && column + 1 + word.size() > width) {
      out.push_back('\n');
      out.append(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    if (space == std::string::npos) break;
    pos = space + 1;
  }
  return out;
}

}  // namespace

ParsedOptions parse_options(std::vector<std::string> const& args) {
  ParsedOptions result;
  std::vector<std::string> given;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "-h") arg = "--help";
    if (!arg.starts_with("--")) {
      result.error = "unexpected argument '" + arg + "' (see --help)";
      return result;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto const eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    auto const& all = flags();
    auto const flag = std::find_if(all.begin(), all.end(), [&](Flag const& f) { return name == f.name; });
    if (flag == all.end()) {
      result.error = "unknown flag --" + name + " (see --help)";
      return result;
    }
    if (name == "help") {
      result.help = true;
      return result;
    }
    if (flag->value && !value) {
      if (i + 1 >= args.size()) {
        result.error = "--" + name + " expects " + flag->value;
        return result;
      }
      value = args[++i];
    } else if (!flag->value && value) {
      result.error = "--" + name + " takes no value";
      return result;
    }
    if (auto error = flag->apply(result.options, value.value_or("")); !error.empty()) {
      result.error = "--" + name + " " + error;
      return result;
    }
    given.push_back(name);
  }
  result.error = check(result.options, given);
  return result;
}

std::string usage() {
  std::string out =
      "gatehouse-load: load generator for a gatehouse on this machine (loopback only).\n"
      "Mints sessions, creates research items, opens many authenticated WebSocket/SSE streams, publishes\n"
      "timestamped events and measures connect rate, failures, delivery and fan-out latency, and server\n"
      "RSS per idle stream. Progress goes to stderr once per second; the summary to stdout.\n"
      "\n"
      "Usage: gatehouse-load [--flag VALUE | --flag=VALUE]...\n"
      "\n";
  for (auto const& f : flags()) {
    std::string head = std::string("  --") + f.name + (f.value ? std::string(" ") + f.value : std::string());
    out += head + "\n      " + wrap(f.help, 6, 100) + "\n";
  }
  out +=
      "\n"
      "Examples (server: gatehouse --dev --db /tmp/gh/gatehouse.db --listen 127.0.0.1:18900):\n"
      "  gatehouse-load --target 127.0.0.1:18900 --streams 4000 --kind mix --connect-rate 1000/s \\\n"
      "                 --publish-rate 200/s --duration 30\n"
      "  gatehouse-load --target 127.0.0.1:18900 --streams 1000 --fanout --events 50\n"
      "  gatehouse-load --target 127.0.0.1:18900 --auth jwt --dev-key /tmp/gh/gatehouse-dev-key.pem \\\n"
      "                 --sessions 200 --streams 2000\n"
      "  gatehouse-load --target 127.0.0.1:18900 --streams 20000 --hold 10 --server-pid $(pidof gatehouse)\n"
      "\n"
      "Raise the open-file limit in the shells of both processes (ulimit -n); the tool raises its soft\n"
      "limit to the hard limit itself and warns when that is still too low.\n"
      "Exit status: 0 the run completed (failures are in the report), 1 setup failed (no session, no\n"
      "research), 2 usage error or a non-loopback --target.\n";
  return out;
}

}  // namespace gatehouse::loadgen
