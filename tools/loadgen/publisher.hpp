#pragma once
// Publishing and latency accounting. Every event's data carries its send time on the steady clock
// ({"t": ns, "k": index}); every subscriber records receive time minus t. Two modes:
// - at a rate: round robin over the research items until shortly before the end of the run;
// - fan-out: one event at a time to the single research item, waiting until every live
//   subscriber got it (or --fanout-timeout), recording when the last one did.
#include "loadgen/run.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::loadgen {

struct Stamp {
  std::uint64_t sent_ns = 0;
  std::int64_t index = 0;
};

// The POST /research/{id}/events body.
std::string event_body(Stamp const& stamp);
// Reads the stamp back from the event's data JSON (as SSE "data:" or the WebSocket "data" member).
std::optional<Stamp> parse_stamp(std::string_view data_json);

// Called by a subscriber for every event it receives.
void record_delivery(Run& run, Stamp const& stamp, std::uint64_t received_ns);

boost::asio::awaitable<void> publish_at_rate(Run& run, std::uint64_t until_ns);
boost::asio::awaitable<void> publish_fanout(Run& run, std::uint64_t until_ns);

}  // namespace gatehouse::loadgen
