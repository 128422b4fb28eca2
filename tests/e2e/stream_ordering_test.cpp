// Ordering under concurrent publishing: several threads post events to one research at once
// while subscribers join midway; every subscriber sees each seq once, in order, without gaps,
// and each seq carries what was posted under it.
#include "stream_test_support.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace gatehouse::testing {

namespace {

constexpr int publisher_threads = 4;
constexpr int events_per_thread = 100;
constexpr int total_events = publisher_threads * events_per_thread;

// Publishers posting {"thread":t,"i":i} concurrently; seq_data[seq] is the data that got seq.
class Publishers {
 public:
  Publishers(std::uint16_t port, std::string token, std::string research)
      : port_(port), token_(std::move(token)), research_(std::move(research)), seq_data_(total_events + 1) {}
  ~Publishers() { join(); }

  void start() {
    for (int t = 0; t < publisher_threads; ++t) threads_.emplace_back([this, t] { run(t); });
  }
  void join() {
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  // Blocks until at least n events were acknowledged (false after the timeout).
  bool wait_for(int n, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return posted_ >= n || failed_; }) && !failed_;
  }
  int posted() const {
    std::lock_guard lock(mutex_);
    return posted_;
  }
  std::vector<std::string> const& seq_data() const { return seq_data_; }  // after join()
  std::vector<std::int64_t> seqs() const {                                // after join()
    std::vector<std::int64_t> out;
    for (std::size_t s = 0; s < seq_data_.size(); ++s) {
      if (!seq_data_[s].empty()) out.push_back(static_cast<std::int64_t>(s));
    }
    return out;
  }
  bool failed() const {
    std::lock_guard lock(mutex_);
    return failed_;
  }

 private:
  void run(int t) {
    for (int i = 0; i < events_per_thread; ++i) {
      std::string const data = R"({"thread":)" + std::to_string(t) + R"(,"i":)" + std::to_string(i) + "}";
      auto const res = post(port_, events_path(research_), R"({"event":"tick","data":)" + data + "}", token_);
      std::lock_guard lock(mutex_);
      if (res.status != 201) {
        ADD_FAILURE() << "thread " << t << " event " << i << ": " << res.status << " " << res.body;
        failed_ = true;
        changed_.notify_all();
        return;
      }
      auto const seq = num(res.json(), "seq");
      if (seq < 1 || seq > total_events || !seq_data_[static_cast<std::size_t>(seq)].empty()) {
        ADD_FAILURE() << "seq " << seq << " out of range or handed out twice";
        failed_ = true;
      } else {
        seq_data_[static_cast<std::size_t>(seq)] = data;
      }
      ++posted_;
      changed_.notify_all();
    }
  }

  std::uint16_t port_;
  std::string token_;
  std::string research_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int posted_ = 0;
  bool failed_ = false;
  std::vector<std::string> seq_data_;
  std::vector<std::thread> threads_;
};

// The same JSON, whatever its spelling.
bool same_json(std::string const& a, std::string const& b) { return boost::json::parse(a) == boost::json::parse(b); }

}  // namespace

class StreamOrdering : public GatehouseTest {
 protected:
  void SetUp() override {
    start();
    token_ = anonymous_session("ordering-device");
    research_ = create_research(port(), token_);
  }
  std::string token_;
  std::string research_;
};

TEST_F(StreamOrdering, ConcurrentPostsGetDistinctConsecutiveSeqs) {
  Publishers publishers(port(), token_, research_);
  publishers.start();
  publishers.join();
  ASSERT_FALSE(publishers.failed());
  auto const seqs = publishers.seqs();
  ASSERT_EQ(seqs.size(), static_cast<std::size_t>(total_events));
  EXPECT_EQ(seqs.front(), 1);
  EXPECT_EQ(seqs.back(), total_events);
  // Each thread posts one after another: its own events got increasing seqs.
  for (int t = 0; t < publisher_threads; ++t) {
    int last_i = -1;
    for (auto s : seqs) {
      auto const data = boost::json::parse(publishers.seq_data()[static_cast<std::size_t>(s)]);
      if (num(data, "thread") != t) continue;
      EXPECT_GT(num(data, "i"), last_i) << "thread " << t << " seq " << s;
      last_i = static_cast<int>(num(data, "i"));
    }
  }
}

TEST_F(StreamOrdering, SubscribersJoiningDuringConcurrentPublishingSeeEverySeqOnceInOrder) {
  Publishers publishers(port(), token_, research_);
  publishers.start();
  ASSERT_TRUE(publishers.wait_for(total_events / 4, std::chrono::seconds(60)));

  // Join midway, each from a position inside what is already stored.
  constexpr std::int64_t sse_after = total_events / 8;
  constexpr std::int64_t ws_after = total_events / 8 + 17;
  SseClient sse(port(), events_path(research_) + "?last_event_id=" + std::to_string(sse_after), bearer(token_));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  WsClient ws(port(), "/ws", bearer(token_));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));
  ws.send(subscribe_message(research_, ws_after));
  int const posted_at_join = publishers.posted();

  // SSE: seq after+1, after+2, ... up to the last one, each exactly once.
  std::vector<std::pair<std::int64_t, std::string>> sse_seen;
  for (std::int64_t expected = sse_after + 1; expected <= total_events; ++expected) {
    auto e = sse.next_event(std::chrono::seconds(10));
    ASSERT_TRUE(e) << "SSE stream stopped before seq " << expected;
    ASSERT_EQ(e->id, std::to_string(expected)) << "SSE gap or duplicate";
    EXPECT_EQ(e->event, "tick");
    sse_seen.emplace_back(expected, e->data);
  }
  ASSERT_TRUE(IsMessage(ws.receive(), "subscribed"));
  std::vector<std::pair<std::int64_t, std::string>> ws_seen;
  for (std::int64_t expected = ws_after + 1; expected <= total_events; ++expected) {
    auto m = ws.receive(std::chrono::seconds(10));
    ASSERT_TRUE(IsEvent(m, research_, expected)) << "WebSocket gap or duplicate";
    ws_seen.emplace_back(expected, boost::json::serialize(m->at("data")));
  }
  publishers.join();
  ASSERT_FALSE(publishers.failed());

  // Nothing after the last seq, and each seq carried what was posted under it.
  ws.send(R"({"type":"ping"})");
  EXPECT_TRUE(IsMessage(ws.receive(), "pong"));
  for (auto const& [seq, data] : sse_seen) {
    EXPECT_TRUE(same_json(data, publishers.seq_data()[static_cast<std::size_t>(seq)])) << "SSE seq " << seq;
  }
  for (auto const& [seq, data] : ws_seen) {
    EXPECT_TRUE(same_json(data, publishers.seq_data()[static_cast<std::size_t>(seq)])) << "WebSocket seq " << seq;
  }
  // Informational: how much was live rather than replayed.
  RecordProperty("posted_when_joined", posted_at_join);
}

}  // namespace gatehouse::testing
