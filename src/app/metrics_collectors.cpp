#include "gatehouse/app/metrics_collectors.hpp"

#include "gatehouse/auth/jwks_provider.hpp"
#include "gatehouse/metrics/instruments.hpp"
#include "gatehouse/net/connection_registry.hpp"
#include "gatehouse/streams/event_hub.hpp"
#include "gatehouse/streams/stream_registry.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace gatehouse::app {

namespace {

using metrics::Type;
using metrics::Writer;

// /proc is generated in memory by the kernel: reading it on a network thread (the scrape's)
// waits on no disk, unlike the file reads kept off those threads.

// Resident set size from /proc/self/statm (pages); 0 where /proc is unavailable.
double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  unsigned long long size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

// Counting /proc/self/fd costs one directory read per scrape: cheap at scrape rates.
double open_fds() {
  std::error_code ec;
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return static_cast<double>(n);
}

}  // namespace

std::vector<metrics::Registry::CollectorHandle> register_metrics_collectors(net::ConnectionRegistry const& connections,
                                                                          streams::StreamRegistry const& streams,
                                                                          streams::EventHub const& hub,
                                                                          auth::JwksProvider const* jwks) {
  metrics::instruments();  // the request-path families exist from the first scrape
  auto& registry = metrics::registry();
  std::vector<metrics::Registry::CollectorHandle> handles;
  handles.push_back(registry.add_collector([&connections](Writer& w) {
    w.header("gatehouse_connections_open", "Open client connections (streams included; the admin socket's not).",
             Type::gauge);
    w.sample("gatehouse_connections_open", {}, static_cast<double>(connections.active()));
  }));
  handles.push_back(registry.add_collector([&streams](Writer& w) {
    w.header("gatehouse_streams_active", "Open event streams, by kind (SSE or WebSocket).", Type::gauge);
    w.sample("gatehouse_streams_active", {{"kind", "sse"}},
             static_cast<double>(streams.count(streams::StreamRegistry::Kind::sse)));
    w.sample("gatehouse_streams_active", {{"kind", "ws"}},
             static_cast<double>(streams.count(streams::StreamRegistry::Kind::ws)));
  }));
  handles.push_back(registry.add_collector([&hub](Writer& w) {
    w.header("gatehouse_stream_subscriptions", "Research items followed live by open streams (one per stream per item).",
             Type::gauge);
    w.sample("gatehouse_stream_subscriptions", {}, static_cast<double>(hub.subscriptions()));
    w.header("gatehouse_events_published_total", "Research events committed and published to the hub.", Type::counter);
    w.sample("gatehouse_events_published_total", {}, std::uint64_t{hub.published()});
    w.header("gatehouse_events_delivered_total",
             "Live events queued to subscribers (one per subscriber per event; replayed history not included).",
             Type::counter);
    w.sample("gatehouse_events_delivered_total", {}, std::uint64_t{hub.delivered()});
  }));
  if (jwks) {
    // Absent without --jwks-url: there is nothing to refresh, and a 0 would look like an outage.
    handles.push_back(registry.add_collector([jwks](Writer& w) {
      auto const status = jwks->status();
      w.header("gatehouse_jwks_last_refresh_timestamp_seconds",
               "Unix time of the last successful JWKS fetch (0: none yet).", Type::gauge);
      w.sample("gatehouse_jwks_last_refresh_timestamp_seconds", {}, static_cast<double>(status.last_success));
      w.header("gatehouse_jwks_refresh_failures_total", "JWKS fetches that failed (the previous keys were kept).",
               Type::counter);
      w.sample("gatehouse_jwks_refresh_failures_total", {}, std::uint64_t{status.failures});
      w.header("gatehouse_jwks_keys", "Usable signing keys in the current JWKS.", Type::gauge);
      w.sample("gatehouse_jwks_keys", {}, static_cast<double>(status.keys));
    }));
  }
  handles.push_back(registry.add_collector([](Writer& w) {
    w.header("process_resident_memory_bytes", "Resident memory size in bytes.", Type::gauge);
    w.sample("process_resident_memory_bytes", {}, resident_bytes());
    w.header("process_open_fds", "Open file descriptors.", Type::gauge);
    w.sample("process_open_fds", {}, open_fds());
  }));
  return handles;
}

}  // namespace gatehouse::app
