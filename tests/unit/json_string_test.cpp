#include "gatehouse/json/json_string.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <string>

using gatehouse::json::append_json_string;

namespace {

std::string quoted(std::string_view s) {
  std::string out = "prefix:";
  append_json_string(out, s);
  return out;
}

}  // namespace

TEST(JsonString, PlainTextIsCopiedBetweenQuotes) {
  EXPECT_EQ(quoted(""), "prefix:\"\"");
  EXPECT_EQ(quoted("p_0123abc"), "prefix:\"p_0123abc\"");
}

TEST(JsonString, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(quoted("a\"b\\c"), "prefix:\"a\\\"b\\\\c\"");
  EXPECT_EQ(quoted("\n\r\t"), "prefix:\"\\n\\r\\t\"");
  EXPECT_EQ(quoted(std::string_view("\x00\x1f\x7f", 3)), "prefix:\"\\u0000\\u001f\\u007f\"");
  // Escapes at both ends and side by side keep the plain runs between them intact.
  EXPECT_EQ(quoted("\"x\"\"y\""), "prefix:\"\\\"x\\\"\\\"y\\\"\"");
}

TEST(JsonString, Utf8PassesThrough) { EXPECT_EQ(quoted("caf\xc3\xa9"), "prefix:\"caf\xc3\xa9\""); }

TEST(JsonString, EveryByteRoundTripsThroughAJsonParser) {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  all.push_back('\0');
  std::string doc;
  append_json_string(doc, all);
  EXPECT_EQ(boost::json::parse(doc).as_string(), all);
}
