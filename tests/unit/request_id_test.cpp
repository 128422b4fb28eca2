// X-Request-Id: which incoming ids are kept (safe to log and to echo) and what replaces the rest.
#include "gatehouse/api/request_id.hpp"

#include <gtest/gtest.h>

#include <regex>

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
