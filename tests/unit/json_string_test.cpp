#include "gatehouse/json/json_string.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

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
  // Two in one 8-byte word, one straddling the next: the plain runs around them stay whole.
  EXPECT_EQ(quoted("0123456\"\"9abcdef\\g"), "prefix:\"0123456\\\"\\\"9abcdef\\\\g\"");
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

TEST(JsonString, EachEscapableByteIsFoundAtEveryOffset) {
  // Strings are scanned 8 bytes at a time: every escapable byte must be caught in every lane,
  // between plain ASCII and between bytes of UTF-8 sequences alike.
  std::pair<char, std::string_view> const escapes[] = {{'"', "\\\""},   {'\\', "\\\\"},   {'\n', "\\n"},
                                                       {'\x01', "\\u0001"}, {'\x1f', "\\u001f"}, {'\x7f', "\\u007f"}};
  for (char filler : {'a', '\xc3'}) {
    for (auto const& [special, escaped] : escapes) {
      for (std::size_t at = 0; at < 19; ++at) {
        std::string text(19, filler);
        text[at] = special;
        std::string const expected = "\"" + text.substr(0, at) + std::string(escaped) + text.substr(at + 1) + "\"";
        std::string doc;
        append_json_string(doc, text);
        ASSERT_EQ(doc, expected) << "byte " << int(special) << " at " << at;
      }
    }
  }
}

TEST(JsonString, BytesThatNeedNoEscapeAreCopiedAsTheyAre) {
  std::string text;
  for (int c = 0x20; c < 0x100; ++c) {
    if (c != '"' && c != '\\' && c != 0x7f) text.push_back(static_cast<char>(c));
  }
  std::string doc;
  append_json_string(doc, text);
  EXPECT_EQ(doc, "\"" + text + "\"");
}
