// The JSON reader used at every trust boundary: standard JSON only, and nothing two parsers
// could read differently.
#include "gatehouse/json/strict_json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using gatehouse::json::parse_strict;
using gatehouse::json::ParseFailure;

TEST(StrictJson, AcceptsStandardJson) {
  auto const v = parse_strict(R"({"a":[1,2.5,"x",true,null,{"b":{}}],"c":"\u00e9"})");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->at("a").as_array().size(), 6u);
  EXPECT_EQ(v->at("c").as_string(), "\xc3\xa9");
}

TEST(StrictJson, RejectsDuplicateKeys) {
  ParseFailure failure;
  EXPECT_FALSE(parse_strict(R"({"alg":"none","alg":"RS256"})", &failure));
  EXPECT_EQ(failure.reason, "duplicate key");
}

TEST(StrictJson, RejectsDuplicateKeysInNestedObjects) {
  ParseFailure failure;
  EXPECT_FALSE(parse_strict(R"({"outer":{"k":1,"k":2}})", &failure));
  EXPECT_EQ(failure.reason, "duplicate key");
  EXPECT_FALSE(parse_strict(R"([{"k":1},{"x":{"k":1,"k":1}}])", &failure));
  EXPECT_EQ(failure.reason, "duplicate key");
}

TEST(StrictJson, RejectsDuplicateKeysSpelledWithEscapes) {
  // "\u0061lg" is "alg": the comparison is on the decoded key.
  EXPECT_FALSE(parse_strict(R"({"alg":"none","\u0061lg":"RS256"})"));
}

TEST(StrictJson, AllowsTheSameKeyInSiblingObjects) {
  EXPECT_TRUE(parse_strict(R"({"a":{"k":1},"b":{"k":2}})"));
  EXPECT_TRUE(parse_strict(R"([{"k":1},{"k":2}])"));
}

TEST(StrictJson, RejectsNestingBeyondTheDepthLimit) {
  ParseFailure failure;
  EXPECT_TRUE(parse_strict("[[[1]]]", &failure, 3));
  EXPECT_FALSE(parse_strict("[[[[1]]]]", &failure, 3));
  EXPECT_EQ(failure.reason, "nested too deeply");
  std::string const deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_FALSE(parse_strict(deep));
}

TEST(StrictJson, RejectsComments) {
  EXPECT_FALSE(parse_strict(R"({"a":1 /* c */})"));
  EXPECT_FALSE(parse_strict("{\"a\":1} // c"));
}

TEST(StrictJson, RejectsTrailingCommas) {
  EXPECT_FALSE(parse_strict(R"({"a":1,})"));
  EXPECT_FALSE(parse_strict("[1,2,]"));
}

TEST(StrictJson, RejectsInvalidUtf8) {
  EXPECT_FALSE(parse_strict("\"\xff\""));
  EXPECT_FALSE(parse_strict("\"\xc3\""));          // truncated sequence
  EXPECT_FALSE(parse_strict("\"\xc0\xaf\""));      // overlong encoding of '/'
  EXPECT_FALSE(parse_strict("{\"\xed\xa0\x80\":1}"));  // UTF-16 surrogate in a key
}

TEST(StrictJson, RejectsTrailingGarbage) {
  EXPECT_FALSE(parse_strict(R"({"a":1}x)"));
  EXPECT_FALSE(parse_strict(R"({"a":1}{"b":2})"));
  EXPECT_FALSE(parse_strict(std::string("{}\0", 3)));
}

TEST(StrictJson, RejectsEmptyAndTruncatedInput) {
  EXPECT_FALSE(parse_strict(""));
  EXPECT_FALSE(parse_strict(R"({"a":)"));
}

}  // namespace
