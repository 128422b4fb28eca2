// Public identifiers: random ones, and time-ordered ones that keep b-tree inserts at the end.
#include "gatehouse/crypto/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

using gatehouse::crypto::random_id;
using gatehouse::crypto::time_ordered_id;

TEST(PublicIds, RandomIdsArePrefixedLowercaseHex) {
  EXPECT_TRUE(std::regex_match(random_id("p_"), std::regex("p_[0-9a-f]{24}")));
  EXPECT_TRUE(std::regex_match(random_id("", 16), std::regex("[0-9a-f]{32}")));
}

TEST(PublicIds, TimeOrderedIdsHaveTheSameShapeAndDoNotRepeat) {
  std::regex const shape("s_[0-9a-f]{24}");
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    auto id = time_ordered_id("s_");
    if (i % 100 == 0) {
      ASSERT_TRUE(std::regex_match(id, shape)) << id;
    }
    ASSERT_TRUE(seen.insert(std::move(id)).second);
  }
}

TEST(PublicIds, TimeOrderedIdsSortByCreationAcrossMilliseconds) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(time_ordered_id("p_"));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the order is by millisecond
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  // The leading 12 hex digits are the Unix time in milliseconds.
  auto const ms = std::stoull(ids.back().substr(2, 12), nullptr, 16);
  auto const now = static_cast<unsigned long long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  EXPECT_LE(now - ms, 5000u);
}
