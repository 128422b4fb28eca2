// An open stream keeps its session alive: connecting moves the expiry to now + TTL, each
// heartbeat moves it again, and the new expiry reaches the database within about a second
// (so it survives a restart). A session without a stream expires on time.
#include "stream_test_support.hpp"

#include <ctime>
#include <thread>

namespace gatehouse::testing {

namespace {

constexpr int ttl_seconds = 3;

std::int64_t wall_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

class StreamTtl : public GatehouseTest {
 protected:
  void SetUp() override { start({"--session-ttl", std::to_string(ttl_seconds), "--heartbeat", "1"}); }

  std::optional<std::int64_t> stored_expiry(std::string const& token) {
    return db_int("SELECT expires_at FROM sessions WHERE id = ?", {session_id_of(port(), token)});
  }

  // Reads keepalives off the stream until `duration` has passed (the stream stays busy and the
  // test sees that the heartbeats really come).
  static int read_keepalives_for(SseClient& sse, std::chrono::milliseconds duration) {
    auto const until = Clock::now() + duration;
    int keepalives = 0;
    while (Clock::now() < until) {
      auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      auto e = sse.next(std::max(left, std::chrono::milliseconds(1)));
      if (!e) {
        if (sse.closed()) break;
        continue;
      }
      if (e->comment == "keepalive") ++keepalives;
    }
    return keepalives;
  }
};

// Connecting alone (no heartbeat comes during these two tests) moves the expiry to now + TTL,
// and the database has it within about a second.
class StreamConnectExtension : public StreamTtl {
 protected:
  void SetUp() override { start({"--session-ttl", std::to_string(ttl_seconds), "--heartbeat", "60"}); }

  // Waits until the stored expiry moves past `original` (at most 2.5 s); the stored value.
  std::optional<std::int64_t> await_stored_beyond(std::string const& token, std::int64_t original) {
    auto const since = Clock::now();
    auto stored = stored_expiry(token);
    while (stored && *stored <= original && elapsed_since(since).count() < 2500) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the extender writes once a second
      stored = stored_expiry(token);
    }
    return stored;
  }
};

TEST_F(StreamConnectExtension, ConnectingSseExtendsSessionToNowPlusTtl) {
  std::string const token = anonymous_session("connect-sse");
  auto const created = Clock::now();
  std::string const research = create_research(port(), token);
  auto const original = stored_expiry(token);
  ASSERT_TRUE(original);
  // Let half the TTL pass, so that now + TTL lies beyond the original expiry.
  std::this_thread::sleep_until(created + std::chrono::milliseconds(ttl_seconds * 500));
  auto const connected_at = wall_now();
  SseClient sse(port(), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  auto const stored = await_stored_beyond(token, *original);
  ASSERT_TRUE(stored);
  EXPECT_GT(*stored, *original) << "connecting did not extend the stored expiry within 2.5 s";
  EXPECT_GE(*stored, connected_at + ttl_seconds);
  EXPECT_LE(*stored, wall_now() + ttl_seconds);
}

TEST_F(StreamConnectExtension, ConnectingWebSocketExtendsSessionToNowPlusTtl) {
  std::string const token = anonymous_session("connect-ws");
  auto const created = Clock::now();
  auto const original = stored_expiry(token);
  ASSERT_TRUE(original);
  std::this_thread::sleep_until(created + std::chrono::milliseconds(ttl_seconds * 500));
  auto const connected_at = wall_now();
  WsClient ws(port(), "/ws", bearer(token));
  auto welcome = ws.receive();
  ASSERT_TRUE(IsMessage(welcome, "welcome"));
  // The welcome reports the extended expiry: the full TTL (give or take the second boundary).
  EXPECT_GE(num(*welcome, "session_expires_in"), ttl_seconds - 1);
  EXPECT_LE(num(*welcome, "session_expires_in"), ttl_seconds);
  auto const stored = await_stored_beyond(token, *original);
  ASSERT_TRUE(stored);
  EXPECT_GT(*stored, *original) << "connecting did not extend the stored expiry within 2.5 s";
  EXPECT_GE(*stored, connected_at + ttl_seconds);
}

TEST_F(StreamTtl, OpenSseStreamKeepsSessionAliveBeyondTtl) {
  std::string const token = anonymous_session("ttl-sse");
  std::string const research = create_research(port(), token);
  auto const created = Clock::now();
  SseClient sse(port(), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();

  int const keepalives = read_keepalives_for(sse, std::chrono::milliseconds(ttl_seconds * 1000 + 1500));
  EXPECT_GE(keepalives, ttl_seconds);
  ASSERT_GT(elapsed_since(created).count(), (ttl_seconds + 1) * 1000);
  auto const whoami = get(port(), "/auth/whoami", token);
  ASSERT_EQ(whoami.status, 200) << whoami.body;
  EXPECT_GT(num(whoami.json(), "expires_in"), 0);
  EXPECT_FALSE(sse.closed());
}

TEST_F(StreamTtl, OpenWebSocketKeepsSessionAliveBeyondTtl) {
  std::string const token = anonymous_session("ttl-ws");
  auto const created = Clock::now();
  WsClient ws(port(), "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));
  // Waiting out the TTL is inherent; the socket answers pings meanwhile.
  while (elapsed_since(created).count() < (ttl_seconds + 1) * 1000 + 500) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ws.send(R"({"type":"ping"})");
    ASSERT_TRUE(IsMessage(ws.receive(), "pong"));
  }
  auto const whoami = get(port(), "/auth/whoami", token);
  ASSERT_EQ(whoami.status, 200) << whoami.body;
  EXPECT_GT(num(whoami.json(), "expires_in"), 0);
}

TEST_F(StreamTtl, SessionWithoutStreamExpiresAfterTtl) {
  std::string const token = anonymous_session("ttl-idle");
  auto const created = Clock::now();
  ASSERT_EQ(get(port(), "/auth/whoami", token).status, 200);
  // TTL plus one second for the whole-second expiry; waiting is inherent.
  std::this_thread::sleep_until(created + std::chrono::milliseconds(ttl_seconds * 1000 + 1100));
  EXPECT_TRUE(IsError(get(port(), "/auth/whoami", token), 401, "Token expired"));
}

TEST_F(StreamTtl, StreamExtensionReachesDatabaseWithinAboutOneSecond) {
  std::string const token = anonymous_session("ttl-persist");
  std::string const research = create_research(port(), token);
  auto const original = stored_expiry(token);
  ASSERT_TRUE(original);
  SseClient sse(port(), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  // Heartbeats extend every second and the extender writes every second: within about two
  // seconds the stored expiry has moved past the original one.
  auto const opened = Clock::now();
  std::optional<std::int64_t> stored = original;
  while (stored && *stored <= *original && elapsed_since(opened).count() < 3500) {
    read_keepalives_for(sse, std::chrono::milliseconds(100));
    stored = stored_expiry(token);
  }
  ASSERT_TRUE(stored);
  EXPECT_GT(*stored, *original) << "the extension was not persisted";
  EXPECT_LE(*stored, wall_now() + ttl_seconds) << "extended beyond now + TTL";
}

TEST_F(StreamTtl, ExtendedExpirySurvivesRestart) {
  std::string const token = anonymous_session("ttl-restart");
  std::string const research = create_research(port(), token);
  auto const original = stored_expiry(token);
  ASSERT_TRUE(original);
  SseClient sse(port(), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  // Keep the stream open until the original expiry has passed (by the wall clock the server
  // uses), plus a heartbeat so the expiry was extended beyond it; the restart ends the stream.
  while (wall_now() < *original + 1) read_keepalives_for(sse, std::chrono::milliseconds(200));
  ASSERT_FALSE(sse.closed());
  restart();
  ASSERT_GE(wall_now(), *original) << "the original expiry has not passed yet: the test proves nothing";
  auto const whoami = get(port(), "/auth/whoami", token);
  EXPECT_EQ(whoami.status, 200) << "the extended expiry was lost in the restart: " << whoami.body;
  auto const stored = stored_expiry(token);
  ASSERT_TRUE(stored);
  EXPECT_GT(*stored, *original);
}

}  // namespace gatehouse::testing
