#pragma once
// gatehouse's own metrics, created once on the process registry. Layers that count something
// on the request path update these directly (one relaxed atomic add); values that another
// component already keeps (stream counts, events, the JWKS status) are read at scrape time by
// collectors instead, see app/metrics_collectors.
#include "gatehouse/metrics/registry.hpp"

#include <string_view>

namespace gatehouse::metrics {

struct Instruments {
  Family<Counter>& http_requests;     // route, method, status
  Family<Histogram>& http_duration;   // route
  Family<Counter>& auth_failures;     // reason: the error's machine-readable code
  Family<Counter>& sessions_created;  // kind: user | anonymous
  Counter& sessions_revoked;
  Counter& tls_handshake_failures;
  Counter& coroutine_failures;
  Histogram& db_read_duration;
  Histogram& db_write_duration;
  Counter& db_write_retries;
};

Instruments& instruments();

// One finished request, as the dispatcher saw it. route: the router's pattern, or "unmatched".
void record_request(std::string_view route, std::string_view method, int status, double seconds);

}  // namespace gatehouse::metrics
