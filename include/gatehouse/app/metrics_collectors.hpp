#pragma once
// The metrics whose values their owners already keep, read at scrape time: open connections and
// streams, hub subscriptions and events, the JWKS status, and the process's memory and file
// descriptors.
#include "gatehouse/metrics/registry.hpp"

#include <vector>

namespace gatehouse::auth {
class JwksProvider;
}
namespace gatehouse::net {
class ConnectionRegistry;
}
namespace gatehouse::streams {
class EventHub;
class StreamRegistry;
}  // namespace gatehouse::streams

namespace gatehouse::app {

// The handles unregister the collectors: keep them no longer than the objects they read.
std::vector<metrics::Registry::CollectorHandle> register_metrics_collectors(net::ConnectionRegistry const& connections,
                                                                          streams::StreamRegistry const& streams,
                                                                          streams::EventHub const& hub,
                                                                          auth::JwksProvider const* jwks);

}  // namespace gatehouse::app
