// A subscriber that stops reading while thousands of large events are posted: once its queue
// (1024 frames) overflows it is dropped (SSE: `event: error`, then the end of the stream;
// WebSocket: close 4008 "Subscriber too slow"), never silently skipped ahead, while the server
// stays healthy and a subscriber that keeps reading gets every event.
#include "stream_test_support.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace gatehouse::testing {

namespace {

// Enough 10 KiB events to fill the socket buffers (about 4 MiB on loopback: the overflow comes
// near event 1400) and then the queue, with room to spare.
constexpr int total_events = 2600;
constexpr int publisher_threads = 4;
std::string const big_data = "\"" + std::string(10 * 1024, 'x') + "\"";

}  // namespace

class SlowConsumer : public GatehouseTest {
 protected:
  void SetUp() override {
    // A long heartbeat keeps the WebSocket idle timeout (twice the heartbeat) out of the way.
    start({"--heartbeat", "60"});
    token_ = anonymous_session("slow-consumer-device");
    research_ = create_research(port(), token_);
  }

  // Starts a subscriber that reads everything on its own thread.
  void start_healthy_reader() {
    healthy_ = std::make_unique<SseClient>(port(), events_path(research_), bearer(token_));
    ASSERT_EQ(healthy_->status(), 200) << healthy_->body();
    reader_ = std::thread([this] {
      for (;;) {
        auto e = healthy_->next_event(std::chrono::seconds(30));
        if (!e || e->event != "big") break;
        healthy_seqs_.push_back(std::stoll(e->id));
        if (healthy_seqs_.back() == total_events) break;
      }
    });
  }

  void post_all() {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < publisher_threads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < total_events / publisher_threads; ++i) {
          auto const res = post(port(), events_path(research_), R"({"event":"big","data":)" + big_data + "}", token_);
          if (res.status != 201) ++failures;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
  }

  // The reader got 1..total_events, in order; the server still answers.
  void expect_healthy() {
    reader_.join();
    ASSERT_EQ(healthy_seqs_.size(), static_cast<std::size_t>(total_events)) << "the reading subscriber lost events";
    for (std::size_t i = 0; i < healthy_seqs_.size(); ++i) ASSERT_EQ(healthy_seqs_[i], static_cast<std::int64_t>(i + 1));
    auto const health = get(port(), "/health");
    EXPECT_EQ(health.status, 200) << health.body;
    EXPECT_EQ(health.body, R"({"status":"ok"})");
    // And new streams still work.
    SseClient fresh(port(), events_path(research_) + "?last_event_id=" + std::to_string(total_events - 1), bearer(token_));
    ASSERT_EQ(fresh.status(), 200) << fresh.body();
    EXPECT_TRUE(IsSseEvent(fresh.next_event(), std::to_string(total_events), "big"));
  }

  void TearDown() override {
    if (reader_.joinable()) reader_.join();
  }

  std::string token_;
  std::string research_;
  std::unique_ptr<SseClient> healthy_;
  std::thread reader_;
  std::vector<std::int64_t> healthy_seqs_;
};

TEST_F(SlowConsumer, SlowWebSocketSubscriberIsClosedWith4008) {
  WsClient slow(port(), "/ws", bearer(token_));
  ASSERT_TRUE(IsMessage(slow.receive(), "welcome"));
  slow.send(subscribe_message(research_));
  ASSERT_TRUE(IsMessage(slow.receive(), "subscribed"));
  start_healthy_reader();
  ASSERT_FALSE(HasFatalFailure());

  post_all();  // `slow` reads nothing meanwhile

  // What was written before the overflow arrives in order, without gaps; then the close.
  std::int64_t last = 0;
  for (;;) {
    auto m = slow.receive(std::chrono::seconds(30));
    if (!m) break;
    ASSERT_TRUE(IsEvent(m, research_, last + 1)) << "a slow subscriber must be dropped, not skipped ahead";
    ++last;
  }
  EXPECT_LT(last, total_events) << "the subscriber was never too slow: the test did not fill its queue";
  EXPECT_EQ(slow.wait_close(std::chrono::seconds(1)), 4008);
  EXPECT_EQ(slow.close_reason(), "Subscriber too slow");
  expect_healthy();
}

TEST_F(SlowConsumer, SlowSseSubscriberGetsErrorAndIsClosed) {
  SseClient slow(port(), events_path(research_), bearer(token_));
  ASSERT_EQ(slow.status(), 200) << slow.body();
  start_healthy_reader();
  ASSERT_FALSE(HasFatalFailure());

  post_all();  // `slow` reads nothing meanwhile

  std::int64_t last = 0;
  std::optional<SseEvent> final_event;
  for (;;) {
    auto e = slow.next_event(std::chrono::seconds(30));
    if (!e) break;
    if (e->event != "big") {
      final_event = e;
      break;
    }
    ASSERT_EQ(e->id, std::to_string(last + 1)) << "a slow subscriber must be dropped, not skipped ahead";
    ++last;
  }
  EXPECT_LT(last, total_events) << "the subscriber was never too slow: the test did not fill its queue";
  // The server tells it why (the write that tells it waits up to 30 s for the reader, far longer
  // than posting takes), then closes.
  ASSERT_TRUE(final_event) << "the stream ended without saying why";
  EXPECT_EQ(final_event->event, "error");
  EXPECT_NE(final_event->data.find("Subscriber too slow"), std::string::npos) << final_event->data;
  EXPECT_TRUE(slow.wait_closed(std::chrono::seconds(5))) << "the slow stream was not closed after its error";
  expect_healthy();
}

}  // namespace gatehouse::testing
