// X-Request-Id: which incoming ids are kept (safe to log and to echo) and what replaces the rest.
#include "gatehouse/api/request_id.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

using gatehouse::api::acceptable_request_id;
using gatehouse::api::request_id_for;

TEST(RequestId, OneTo128CharactersOfTheSafeSetAreAcceptable) {
  EXPECT_TRUE(acceptable_request_id("a"));
  EXPECT_TRUE(acceptable_request_id("AZaz09._:-"));
  EXPECT_TRUE(acceptable_request_id(std::string(128, '7')));
  EXPECT_FALSE(acceptable_request_id(""));
  EXPECT_FALSE(acceptable_request_id(std::string(129, '7')));
  for (std::string_view bad : {"a b", "a/b", "a\"b", "a\r\nb", "a=b", "caf\xc3\xa9", "a\tb", "{}"}) {
    EXPECT_FALSE(acceptable_request_id(bad)) << bad;
  }
}

TEST(RequestId, AnAcceptableIdIsKeptAnythingElseIsReplacedByAFreshRandomOne) {
  EXPECT_EQ(request_id_for("trace-42"), "trace-42");
  std::regex const fresh("[0-9a-f]{32}");
  auto const a = request_id_for("");
  auto const b = request_id_for("not ok");
  EXPECT_TRUE(std::regex_match(a, fresh)) << a;
  EXPECT_TRUE(std::regex_match(b, fresh)) << b;
  EXPECT_NE(a, b);
}

TEST(RequestId, FreshIdsDoNotRepeatAcrossManyRequestsAndThreads) {
  constexpr int per_thread = 20000;
  std::vector<std::vector<std::string>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& ids : drawn) {
    threads.emplace_back([&ids] {
      for (int i = 0; i < per_thread; ++i) ids.push_back(request_id_for(""));
    });
  }
  for (auto& t : threads) t.join();
  std::unordered_set<std::string> seen;
  for (auto const& ids : drawn) seen.insert(ids.begin(), ids.end());
  EXPECT_EQ(seen.size(), 4u * per_thread);
  // Consecutive ids from one thread do not read as a counter.
  EXPECT_NE(drawn[0][0].substr(16, 15), drawn[0][1].substr(16, 15));
}
