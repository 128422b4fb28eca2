#pragma once
// Shorthands shared by the stream tests: research and events over the real API, stream targets,
// WebSocket messages, and the timing the contract promises (revocation within one second).
#include "expectations.hpp"
#include "support/gatehouse_fixture.hpp"
#include "support/stream_clients.hpp"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <latch>
#include <memory>
#include <thread>
#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse::testing {

using Clock = std::chrono::steady_clock;

inline Headers bearer(std::string const& token) { return {{"Authorization", "Bearer " + token}}; }
inline Headers api_key_header(std::string const& key) { return {{"X-API-Key", key}}; }

inline std::string events_path(std::string const& research_id) { return "/research/" + research_id + "/events"; }

// POST /research; the new id ("" and a test failure when refused).
inline std::string create_research(std::uint16_t port, std::string const& token, std::string const& title = "t") {
  auto const res = post(port, "/research", R"({"title":")" + title + R"("})", token);
  EXPECT_EQ(res.status, 201) << res.body;
  return res.status == 201 ? str(res.json(), "id") : std::string();
}

// POST /research/{id}/events; the seq it got (-1 and a test failure when refused).
inline std::int64_t post_event(std::uint16_t port, std::string const& token, std::string const& research_id,
                               std::string const& event, std::string const& data_json = "null") {
  auto const res = post(port, events_path(research_id), R"({"event":")" + event + R"(","data":)" + data_json + "}", token);
  EXPECT_EQ(res.status, 201) << res.body;
  return res.status == 201 ? num(res.json(), "seq") : -1;
}

// POST /auth/stream-ticket; the ticket.
inline std::string stream_ticket(std::uint16_t port, std::string const& token) {
  auto const res = post(port, "/auth/stream-ticket", "", token);
  EXPECT_EQ(res.status, 200) << res.body;
  return res.status == 200 ? str(res.json(), "ticket") : std::string();
}

// The session id of a token (GET /auth/whoami).
inline std::string session_id_of(std::uint16_t port, std::string const& token) {
  auto const res = get(port, "/auth/whoami", token);
  EXPECT_EQ(res.status, 200) << res.body;
  return res.status == 200 ? str(res.json(), "session_id") : std::string();
}

inline std::string subscribe_message(std::string const& research_id, std::optional<std::int64_t> after_seq = 0) {
  boost::json::object o{{"type", "subscribe"}, {"research_id", research_id}};
  if (after_seq) o["after_seq"] = *after_seq;
  return boost::json::serialize(o);
}

inline std::string unsubscribe_message(std::string const& research_id) {
  return boost::json::serialize(boost::json::object{{"type", "unsubscribe"}, {"research_id", research_id}});
}

// A received WebSocket message of this type.
inline ::testing::AssertionResult IsMessage(std::optional<boost::json::value> const& m, std::string const& type) {
  if (!m) return ::testing::AssertionFailure() << "no message (timeout or close), expected type " << type;
  if (!m->is_object() || !m->get_object().if_contains("type") || !m->at("type").is_string()) {
    return ::testing::AssertionFailure() << "not a typed message: " << boost::json::serialize(*m);
  }
  if (m->at("type").as_string() != type) {
    return ::testing::AssertionFailure() << "expected type " << type << ", got " << boost::json::serialize(*m);
  }
  return ::testing::AssertionSuccess();
}

// {"type":"event", "research_id": id, "seq": seq}.
inline ::testing::AssertionResult IsEvent(std::optional<boost::json::value> const& m, std::string const& research_id,
                                          std::int64_t seq) {
  if (auto typed = IsMessage(m, "event"); !typed) return typed;
  if (m->at("research_id") != boost::json::value(research_id) || num(*m, "seq") != seq) {
    return ::testing::AssertionFailure() << "expected event " << seq << " of " << research_id << ", got "
                                         << boost::json::serialize(*m);
  }
  return ::testing::AssertionSuccess();
}

// An SSE event with this id and name.
inline ::testing::AssertionResult IsSseEvent(std::optional<SseEvent> const& e, std::string const& id,
                                             std::string const& event) {
  if (!e) return ::testing::AssertionFailure() << "no event (timeout or close), expected id " << id;
  if (e->id != id || e->event != event) {
    return ::testing::AssertionFailure() << "expected id " << id << " event " << event << ", got id \"" << e->id
                                         << "\" event \"" << e->event << "\" data " << e->data;
  }
  return ::testing::AssertionSuccess();
}

// What a refused SSE request answered, as an HttpResponse the error assertions understand.
inline HttpResponse refusal_of(SseClient const& sse) {
  HttpResponse r;
  r.status = sse.status();
  r.body = sse.body();
  for (char const* name : {"Content-Type", "WWW-Authenticate"}) {
    if (auto v = sse.header(name); !v.empty()) r.headers.emplace_back(name, v);
  }
  return r;
}

inline std::chrono::milliseconds elapsed_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// The stream ends with `event: revoked` / {"detail":"Token revoked"} and then closes, all within
// one second of `since` (the contract's promise for every revocation).
inline void expect_sse_revoked(SseClient& sse, Clock::time_point since) {
  auto revoked = sse.next_event(std::chrono::seconds(3));
  ASSERT_TRUE(revoked) << "no revoked event";
  EXPECT_EQ(revoked->event, "revoked");
  EXPECT_EQ(revoked->data, R"({"detail":"Token revoked"})");
  EXPECT_TRUE(sse.wait_closed(std::chrono::seconds(3))) << "the stream stayed open after revoked";
  EXPECT_LT(elapsed_since(since).count(), 1000);
}

// The WebSocket closes with 4401 "Token revoked" within one second of `since`.
inline void expect_ws_revoked(WsClient& ws, Clock::time_point since) {
  EXPECT_EQ(ws.wait_close(std::chrono::seconds(3)), 4401);
  EXPECT_EQ(ws.close_reason(), "Token revoked");
  EXPECT_LT(elapsed_since(since).count(), 1000);
}

// A stream opened on another thread while this one runs `act` after `head_start`: for races
// between a stream's opening and what should close it (a logout, a shutdown). The head start is
// spun, not slept: sleeps are far coarser than the microseconds being swept.
struct RacedStream {
  std::unique_ptr<SseClient> sse;  // SSE was asked for and the request was answered
  std::unique_ptr<WsClient> ws;    // the upgrade succeeded
  bool refused = false;            // the upgrade was refused or cut off, or SSE answered 401
};

template <typename Act>
RacedStream race_stream_open(std::uint16_t port, std::string const& token, std::optional<std::string> const& sse_research,
                             std::chrono::microseconds head_start, Act&& act) {
  RacedStream out;
  std::latch go(2);
  std::thread opener([&] {
    go.arrive_and_wait();
    try {
      if (sse_research) {
        out.sse = std::make_unique<SseClient>(port, events_path(*sse_research), bearer(token));
        out.refused = out.sse->status() == 401;
      } else {
        out.ws = std::make_unique<WsClient>(port, "/ws", bearer(token));
      }
    } catch (std::exception const&) {
      out.refused = true;
    }
  });
  go.arrive_and_wait();
  for (auto const until = Clock::now() + head_start; Clock::now() < until;) {
  }
  act();
  opener.join();
  return out;
}

}  // namespace gatehouse::testing
