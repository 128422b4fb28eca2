#include "gatehouse/metrics/instruments.hpp"

#include <charconv>

namespace gatehouse::metrics {

namespace {

Instruments make() {
  Registry& r = registry();
  auto& db = r.histogram("gatehouse_db_job_duration_seconds",
                         "Database jobs from queueing to completion (waiting for the database thread, running, and "
                         "for writes the group commit), by kind.",
                         {"kind"}, latency_buckets());
  auto& created = r.counter("gatehouse_sessions_created_total", "Session tokens issued, by principal kind.", {"kind"});
  // Present from the first scrape, so rate() has a starting point.
  created.labels({"user"});
  created.labels({"anonymous"});
  return Instruments{
      r.counter("gatehouse_http_requests_total", "HTTP requests answered, by route pattern, method and status.",
                {"route", "method", "status"}),
      r.histogram("gatehouse_http_request_duration_seconds",
                  "Time from routing a request to its response being ready (stream routes: until the handshake "
                  "is handed over), by route pattern.",
                  {"route"}, latency_buckets()),
      r.counter("gatehouse_auth_failures_total",
                "Requests refused with 401 or 403, by reason (the error body's code).", {"reason"}),
      created,
      r.counter("gatehouse_sessions_revoked_total",
                "Sessions revoked (logout, session revocation, rebind of an anonymous device).")
          .labels({}),
      r.counter("gatehouse_tls_handshake_failures_total",
                "TLS handshakes that failed or timed out (plain HTTP on the TLS port, refused protocol versions or "
                "ciphers, clients that stall).")
          .labels({}),
      r.counter("gatehouse_coroutine_failures_total",
                "Connections and background tasks ended by an exception that nothing handled (logged at error; "
                "their registrations are released all the same).")
          .labels({}),
      db.labels({"read"}),
      db.labels({"write"}),
      r.counter("gatehouse_db_write_retries_total",
                "Writes that lost a lock race to another node's transaction (PostgreSQL deadlock victims, "
                "serialization failures), rolled back and ran again alone.")
          .labels({}),
  };
}

}  // namespace

Instruments& instruments() {
  static Instruments i = make();
  return i;
}

void record_request(std::string_view route, std::string_view method, int status, double seconds) {
  char buf[8];
  auto const r = std::to_chars(buf, buf + sizeof buf, status);
  Instruments& m = instruments();
  m.http_requests.labels({route, method, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf))}).inc();
  m.http_duration.labels({route}).observe(seconds);
}

}  // namespace gatehouse::metrics
