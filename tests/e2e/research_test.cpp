// POST /research, GET /research, GET /research/{id}, POST /research/{id}/events.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include "gatehouse/util/clock.hpp"

#include <boost/json/serialize.hpp>

#include <set>
#include <thread>

namespace gatehouse::testing {

class Research : public GatehouseTest {
 protected:
  void SetUp() override { start(); }

  boost::json::value create(std::string const& token, std::string const& title) {
    auto const res = post(port(), "/research", boost::json::serialize(boost::json::object{{"title", title}}), token);
    EXPECT_EQ(res.status, 201) << res.body;
    return res.json();
  }

  HttpResponse post_event(std::string const& token, std::string const& id, std::string const& body) {
    return post(port(), "/research/" + id + "/events", body, token);
  }

  std::int64_t count(std::string const& table) const { return *db_int("SELECT count(*) FROM " + table); }
};

TEST_F(Research, CreateAnswers201WithTheRunningItem) {
  std::string const token = anonymous_session("research-device");
  UnixSeconds const before = now_unix();
  auto const res = post(port(), "/research", R"({"title":"Quantum dots"})", token);
  UnixSeconds const after = now_unix();
  ASSERT_EQ(res.status, 201) << res.body;
  ASSERT_TRUE(IsJson(res));
  auto const item = res.json();
  EXPECT_FALSE(str(item, "id").empty());
  EXPECT_EQ(str(item, "title"), "Quantum dots");
  EXPECT_EQ(str(item, "status"), "running");
  EXPECT_EQ(str(item, "owner_id"), principal_of(token));
  std::string const created_at = str(item, "created_at");
  ASSERT_TRUE(is_rfc3339_utc(created_at)) << created_at;
  EXPECT_GE(parse_rfc3339(created_at), before);
  EXPECT_LE(parse_rfc3339(created_at), after);
}

TEST_F(Research, GetReturnsTheSameItem) {
  std::string const token = anonymous_session("research-get");
  auto const created = create(token, "Fetch me");
  auto const res = get(port(), "/research/" + str(created, "id"), token);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(IsJson(res));
  EXPECT_EQ(res.json(), created);
}

TEST_F(Research, ListShowsOnlyTheCallersOwn) {
  std::string const alice = anonymous_session("alice-device");
  std::string const bob = user_session("user_bob");
  auto const a1 = create(alice, "alice one");
  auto const a2 = create(alice, "alice two");
  auto const b1 = create(bob, "bob one");

  auto const res = get(port(), "/research", alice);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(IsJson(res));
  auto const items = res.json().at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << res.body;
  EXPECT_EQ(items[0], a1);
  EXPECT_EQ(items[1], a2);

  auto const bobs = get(port(), "/research", bob).json().at("items").as_array();
  ASSERT_EQ(bobs.size(), 1u);
  EXPECT_EQ(bobs[0], b1);
}

TEST_F(Research, ListIsEmptyForANewPrincipal) {
  auto const res = get(port(), "/research", anonymous_session("fresh"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.body, R"({"items":[]})");
}

TEST_F(Research, MissingItemIsResearchNotFound) {
  std::string const token = anonymous_session("research-missing");
  EXPECT_TRUE(IsError(get(port(), "/research/r_0123456789abcdef01234567", token), 404, "Research not found"));
}

TEST_F(Research, AnotherPrincipalsItemIsResearchNotFound) {
  std::string const owner = anonymous_session("owner-device");
  std::string const snoop = anonymous_session("snoop-device");
  std::string const id = str(create(owner, "private"), "id");
  EXPECT_TRUE(IsError(get(port(), "/research/" + id, snoop), 404, "Research not found"));
  EXPECT_TRUE(IsError(post_event(snoop, id, R"({"event":"progress"})"), 404, "Research not found"));
  // And the snoop's attempt left no trace.
  EXPECT_EQ(count("research_events"), 0);
}

TEST_F(Research, ResearchRoutesRequireASession) {
  EXPECT_TRUE(IsError(get(port(), "/research"), 401, "Missing Bearer token"));
  EXPECT_TRUE(IsError(post(port(), "/research", R"({"title":"x"})"), 401, "Missing Bearer token"));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/research", "gs_" + std::string(43, 'x'))));
}

TEST_F(Research, EventSeqStartsAtOneAndIncrements) {
  std::string const token = anonymous_session("events-device");
  std::string const id = str(create(token, "counting"), "id");
  for (int expected = 1; expected <= 3; ++expected) {
    auto const res = post_event(token, id, R"({"event":"progress","data":{"pct":)" + std::to_string(expected * 10) + "}}");
    ASSERT_EQ(res.status, 201) << res.body;
    ASSERT_TRUE(IsJson(res));
    EXPECT_EQ(num(res.json(), "seq"), expected);
  }
  // Sequences are per item.
  std::string const other = str(create(token, "another"), "id");
  EXPECT_EQ(num(post_event(token, other, R"({"event":"progress"})").json(), "seq"), 1);
}

TEST_F(Research, ConcurrentEventsGetDistinctConsecutiveSeqs) {
  std::string const token = anonymous_session("busy-device");
  std::string const id = str(create(token, "busy"), "id");
  constexpr int writers = 8;
  constexpr int per_writer = 5;
  std::vector<std::vector<std::int64_t>> seqs(writers);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < per_writer; ++i) {
        auto const res = post(port(), "/research/" + id + "/events", R"({"event":"progress"})", token);
        seqs[static_cast<std::size_t>(w)].push_back(res.status == 201 ? num(res.json(), "seq") : -res.status);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::int64_t> all;
  for (auto const& s : seqs) all.insert(s.begin(), s.end());
  std::set<std::int64_t> expected;
  for (int i = 1; i <= writers * per_writer; ++i) expected.insert(i);
  EXPECT_EQ(all, expected);
  EXPECT_EQ(count("research_events"), writers * per_writer);
}

TEST_F(Research, EventDataMayBeAnyJsonOrAbsent) {
  std::string const token = anonymous_session("data-device");
  std::string const id = str(create(token, "data"), "id");
  for (std::string const body : {R"({"event":"a"})", R"({"event":"b","data":null})", R"({"event":"c","data":[1,"two",{"3":4}]})",
                                 R"({"event":"d","data":"text"})", R"({"event":"e","data":12.5})"}) {
    EXPECT_EQ(post_event(token, id, body).status, 201) << body;
  }
  EXPECT_EQ(*db_text("SELECT data FROM research_events WHERE research_id = ?1 AND seq = 3", {id}), R"([1,"two",{"3":4}])");
}

TEST_F(Research, DoneEventFinishesTheItem) {
  std::string const token = anonymous_session("done-device");
  std::string const id = str(create(token, "finishing"), "id");
  ASSERT_EQ(post_event(token, id, R"({"event":"progress"})").status, 201);
  auto const done = post_event(token, id, R"({"event":"done","data":{"summary":"ok"}})");
  ASSERT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(num(done.json(), "seq"), 2);
  EXPECT_EQ(str(get(port(), "/research/" + id, token).json(), "status"), "done");
  EXPECT_EQ(str(get(port(), "/research", token).json().at("items").at(0), "status"), "done");
}

TEST_F(Research, EventsAfterDoneAreResearchAlreadyFinished) {
  std::string const token = anonymous_session("after-done");
  std::string const id = str(create(token, "closed"), "id");
  ASSERT_EQ(post_event(token, id, R"({"event":"done"})").status, 201);
  EXPECT_TRUE(IsError(post_event(token, id, R"({"event":"progress"})"), 409, "Research already finished"));
  EXPECT_TRUE(IsError(post_event(token, id, R"({"event":"done"})"), 409, "Research already finished"));
  EXPECT_EQ(count("research_events"), 1);
}

TEST_F(Research, BadCreateBodiesAre422AndWriteNothing) {
  std::string const token = anonymous_session("bad-create");
  struct Case {
    std::string body;
    std::string detail;  // exact, or "" for "mentions JSON"
  };
  for (auto const& c : {Case{"{}", "title required"}, Case{R"({"title":""})", "title required"},
                        Case{R"({"title":5})", "title required"}, Case{R"({"title":null})", "title required"},
                        Case{"[]", "Request body must be a JSON object"}, Case{R"({"title":)", ""}, Case{"", ""}}) {
    auto const res = post(port(), "/research", c.body, token);
    EXPECT_EQ(res.status, 422) << c.body;
    EXPECT_TRUE(IsJson(res)) << c.body;
    if (c.detail.empty()) {
      EXPECT_NE(res.detail().find("JSON"), std::string::npos) << c.body << " -> " << res.detail();
    } else {
      EXPECT_EQ(res.detail(), c.detail) << c.body;
    }
  }
  EXPECT_EQ(count("research"), 0);
}

TEST_F(Research, BadEventBodiesAre422AndWriteNothing) {
  std::string const token = anonymous_session("bad-event");
  std::string const id = str(create(token, "strict"), "id");
  for (std::string const body : {"{}", R"({"event":""})", R"({"event":1})", R"({"data":{}})", "[]", R"({"event":)",
                                 "{\"event\":\"line\\nbreak\"}"}) {
    auto const res = post_event(token, id, body);
    EXPECT_EQ(res.status, 422) << body << " -> " << res.body;
    EXPECT_TRUE(IsJson(res)) << body;
    EXPECT_FALSE(res.detail().empty()) << body;
  }
  EXPECT_EQ(count("research_events"), 0);
  // The next good event is still seq 1.
  EXPECT_EQ(num(post_event(token, id, R"({"event":"progress"})").json(), "seq"), 1);
}

}  // namespace gatehouse::testing
