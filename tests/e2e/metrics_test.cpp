// GET /metrics: a scrape after known traffic parses under a strict reading of the Prometheus
// text format, and each counter moved by exactly what the traffic did.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"
#include "support/prometheus_text.hpp"
#include "support/stream_clients.hpp"

#include "gatehouse/util/clock.hpp"

namespace gatehouse::testing {

class Metrics : public GatehouseTest {
 protected:
  PromScrape scrape() { return scrape_metrics(); }

  static double requests(PromScrape const& s, std::string const& route, std::string const& method, int status) {
    return s.counter("gatehouse_http_requests_total",
                     {{"route", route}, {"method", method}, {"status", std::to_string(status)}});
  }
};

TEST_F(Metrics, EveryFamilyIsPresentAndWellFormed) {
  start();
  ASSERT_TRUE(wait_for_jwks_loaded()) << server().output();
  auto const s = scrape();
  std::map<std::string, std::string> const expected{
      {"gatehouse_http_requests_total", "counter"},
      {"gatehouse_http_request_duration_seconds", "histogram"},
      {"gatehouse_auth_failures_total", "counter"},
      {"gatehouse_sessions_created_total", "counter"},
      {"gatehouse_sessions_revoked_total", "counter"},
      {"gatehouse_tls_handshake_failures_total", "counter"},
      {"gatehouse_streams_active", "gauge"},
      {"gatehouse_connections_open", "gauge"},
      {"gatehouse_stream_subscriptions", "gauge"},
      {"gatehouse_coroutine_failures_total", "counter"},
      {"gatehouse_events_published_total", "counter"},
      {"gatehouse_events_delivered_total", "counter"},
      {"gatehouse_jwks_last_refresh_timestamp_seconds", "gauge"},
      {"gatehouse_jwks_refresh_failures_total", "counter"},
      {"gatehouse_jwks_keys", "gauge"},
      {"gatehouse_db_job_duration_seconds", "histogram"},
      {"process_resident_memory_bytes", "gauge"},
      {"process_open_fds", "gauge"},
  };
  for (auto const& [name, type] : expected) {
    ASSERT_TRUE(s.families.count(name)) << name << " missing";
    EXPECT_EQ(s.families.at(name).type, type) << name;
    EXPECT_FALSE(s.families.at(name).help.empty()) << name;
  }
  EXPECT_EQ(s.value("gatehouse_sessions_created_total", {{"kind", "user"}}), 0);
  EXPECT_EQ(s.value("gatehouse_streams_active", {{"kind", "sse"}}), 0);
  EXPECT_EQ(s.value("gatehouse_jwks_keys"), 1);
  EXPECT_EQ(s.value("gatehouse_jwks_refresh_failures_total"), 0);
  double const refreshed = s.value("gatehouse_jwks_last_refresh_timestamp_seconds").value_or(0);
  EXPECT_LE(std::abs(refreshed - static_cast<double>(now_unix())), 60);
  EXPECT_GT(s.value("process_resident_memory_bytes").value_or(0), 1e6);
  EXPECT_GT(s.value("process_open_fds").value_or(0), 3);
  // The start-up load of sessions and keys ran on the database thread before the first scrape.
  EXPECT_GE(s.value("gatehouse_db_job_duration_seconds_count", {{"kind", "read"}}).value_or(0), 1);
}

TEST_F(Metrics, CountersMoveByExactlyTheTrafficSent) {
  start();
  ASSERT_TRUE(wait_for_jwks_loaded()) << server().output();
  auto const before = scrape();

  for (int i = 0; i < 3; ++i) ASSERT_EQ(get(port(), "/health").status, 200);
  ASSERT_EQ(get(port(), "/no/such/route").status, 404);
  ASSERT_EQ(http(port(), "PATCH", "/health").status, 405);
  std::string const user = user_session("user_metrics");
  std::string const anon_a = anonymous_session("metrics-a");
  std::string const anon_b = anonymous_session("metrics-b");
  for (int i = 0; i < 2; ++i) ASSERT_EQ(get(port(), "/research/r_missing", anon_a).status, 404);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(get(port(), "/auth/whoami").status, 401);
  ASSERT_EQ(get(port(), "/auth/whoami", "gs_" + std::string(43, 'Q')).status, 401);
  ASSERT_EQ(del(port(), "/auth/session", anon_b).status, 204);
  ASSERT_EQ(exchange("Bearer not.a.jwt").status, 401);

  auto const after = scrape();
  auto const delta_requests = [&](std::string const& route, std::string const& method, int status) {
    return requests(after, route, method, status) - requests(before, route, method, status);
  };
  EXPECT_EQ(delta_requests("/health", "GET", 200), 3);
  EXPECT_EQ(delta_requests("unmatched", "GET", 404), 1);
  EXPECT_EQ(delta_requests("unmatched", "PATCH", 405), 1);  // no handler matched: no route to name
  EXPECT_EQ(delta_requests("/research/{id}", "GET", 404), 2);  // the pattern, never the raw path
  EXPECT_EQ(delta_requests("/auth/whoami", "GET", 401), 3);
  EXPECT_EQ(delta_requests("/auth/anonymous", "POST", 200), 2);
  EXPECT_EQ(delta_requests("/auth/session", "POST", 200), 1);
  EXPECT_EQ(delta_requests("/auth/session", "POST", 401), 1);
  EXPECT_EQ(delta_requests("/auth/session", "DELETE", 204), 1);
  EXPECT_FALSE(after.value("gatehouse_http_requests_total",
                           {{"route", "/research/r_missing"}, {"method", "GET"}, {"status", "404"}}));
  // The scrape before this one was counted too, after it was rendered.
  EXPECT_EQ(delta_requests("/metrics", "GET", 200), 1);

  auto const delta = [&](std::string const& name, std::map<std::string, std::string> const& labels = {}) {
    return after.counter(name, labels) - before.counter(name, labels);
  };
  EXPECT_EQ(delta("gatehouse_http_request_duration_seconds_count", {{"route", "/health"}}), 3);
  EXPECT_GE(delta("gatehouse_http_request_duration_seconds_sum", {{"route", "/health"}}), 0);
  EXPECT_EQ(delta("gatehouse_auth_failures_total", {{"reason", "missing_bearer_token"}}), 2);
  EXPECT_EQ(delta("gatehouse_auth_failures_total", {{"reason", "invalid_token"}}), 2);  // forged token, bad JWT
  EXPECT_EQ(delta("gatehouse_sessions_created_total", {{"kind", "anonymous"}}), 2);
  EXPECT_EQ(delta("gatehouse_sessions_created_total", {{"kind", "user"}}), 1);
  EXPECT_EQ(delta("gatehouse_sessions_revoked_total"), 1);
  // Three sessions created and one revoked: at least four writes went through the database thread.
  EXPECT_GE(delta("gatehouse_db_job_duration_seconds_count", {{"kind", "write"}}), 4);
}

TEST_F(Metrics, StreamsAndEventsAreCounted) {
  start();
  std::string const token = anonymous_session("metrics-streams");
  std::string const id = post(port(), "/research", R"({"title":"t"})", token).json().at("id").as_string().c_str();
  auto const base = scrape();

  SseClient sse(port(), "/research/" + id + "/events", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(sse.status(), 200);
  WsClient ws(port(), "/ws", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(ws.receive());  // the welcome: sent once the socket is registered
  auto const open = scrape();
  EXPECT_EQ(open.value("gatehouse_streams_active", {{"kind", "sse"}}), 1);
  EXPECT_EQ(open.value("gatehouse_streams_active", {{"kind", "ws"}}), 1);

  // The first event reaches the stream by replay or live; once it has arrived the stream is
  // attached to the hub, so the second is certainly a live delivery.
  ASSERT_EQ(post(port(), "/research/" + id + "/events", R"({"event":"one"})", token).status, 201);
  ASSERT_TRUE(sse.next_event());
  auto const middle = scrape();
  ASSERT_EQ(post(port(), "/research/" + id + "/events", R"({"event":"two"})", token).status, 201);
  auto const second = sse.next_event();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->event, "two");
  auto const end = scrape();
  EXPECT_EQ(end.counter("gatehouse_events_published_total") - base.counter("gatehouse_events_published_total"), 2);
  EXPECT_EQ(end.counter("gatehouse_events_delivered_total") - middle.counter("gatehouse_events_delivered_total"), 1);

  ASSERT_EQ(del(port(), "/auth/session", token).status, 204);  // closes both streams
  ASSERT_TRUE(sse.wait_closed());
  ASSERT_TRUE(ws.wait_close());
  // The registry forgets a stream when its session ends, just after the close is sent.
  // No event tells the client that moment, so scrape until it shows (bounded by a deadline).
  double sse_open = 1, ws_open = 1;
  auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((sse_open != 0 || ws_open != 0) && std::chrono::steady_clock::now() < deadline) {
    auto const closed = scrape();
    sse_open = closed.value("gatehouse_streams_active", {{"kind", "sse"}}).value_or(-1);
    ws_open = closed.value("gatehouse_streams_active", {{"kind", "ws"}}).value_or(-1);
  }
  EXPECT_EQ(sse_open, 0);
  EXPECT_EQ(ws_open, 0);
}

}  // namespace gatehouse::testing
