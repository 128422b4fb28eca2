// The WebSocket endpoint's client messages, parsed without a socket: the commands the contract
// defines, and the error reply for everything else.
#include "gatehouse/json/strict_json.hpp"
#include "gatehouse/streams/ws_protocol.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace {

using namespace gatehouse::streams;

std::string invalid_detail(std::string_view text, bool binary = false) {
  auto const command = parse_ws_message(text, binary);
  auto const* invalid = std::get_if<WsInvalid>(&command);
  return invalid ? invalid->detail : "(not an error)";
}

TEST(WsProtocol, ParsesTheContractsCommands) {
  EXPECT_TRUE(std::holds_alternative<WsPing>(parse_ws_message(R"({"type":"ping"})", false)));

  auto const subscribe = parse_ws_message(R"({"type":"subscribe","research_id":"r_1","after_seq":7})", false);
  ASSERT_TRUE(std::holds_alternative<WsSubscribe>(subscribe));
  EXPECT_EQ(std::get<WsSubscribe>(subscribe).research_id, "r_1");
  EXPECT_EQ(std::get<WsSubscribe>(subscribe).after_seq, 7);

  auto const unsubscribe = parse_ws_message(R"({"type":"unsubscribe","research_id":"r_1"})", false);
  ASSERT_TRUE(std::holds_alternative<WsUnsubscribe>(unsubscribe));
  EXPECT_EQ(std::get<WsUnsubscribe>(unsubscribe).research_id, "r_1");
}

TEST(WsProtocol, AnAfterSeqBeyondInt64MeansLiveOnly) {
  auto const subscribe =
      parse_ws_message(R"({"type":"subscribe","research_id":"r","after_seq":18446744073709551615})", false);
  ASSERT_TRUE(std::holds_alternative<WsSubscribe>(subscribe));
  EXPECT_EQ(std::get<WsSubscribe>(subscribe).after_seq, std::numeric_limits<std::int64_t>::max());
}

TEST(WsProtocol, BadMessagesGetTheContractsDetails) {
  EXPECT_EQ(invalid_detail("x", true), "Binary messages are not supported");
  EXPECT_EQ(invalid_detail("{"), "Invalid message: not valid JSON");
  EXPECT_EQ(invalid_detail(R"({"type":"ping","type":"ping"})"), "Invalid message: duplicate key");
  EXPECT_EQ(invalid_detail("[1]"), "Invalid message: expected a JSON object");
  EXPECT_EQ(invalid_detail(R"({"type":1})"), "Invalid message: type required");
  EXPECT_EQ(invalid_detail(R"({"type":"teleport"})"), "Unknown message type: teleport");
  EXPECT_EQ(invalid_detail(R"({"type":"subscribe"})"), "research_id required");
  EXPECT_EQ(invalid_detail(R"({"type":"subscribe","research_id":""})"), "research_id required");
  EXPECT_EQ(invalid_detail(R"({"type":"unsubscribe","research_id":")" + std::string(129, 'r') + R"("})"),
            "research_id required");
  EXPECT_EQ(invalid_detail(R"({"type":"subscribe","research_id":"r","after_seq":-1})"),
            "after_seq must be a non-negative integer");
  EXPECT_EQ(invalid_detail(R"({"type":"subscribe","research_id":"r","after_seq":1.5})"),
            "after_seq must be a non-negative integer");
}

TEST(WsProtocol, AnUnknownTypeIsEchoedShortened) {
  EXPECT_EQ(invalid_detail(R"({"type":")" + std::string(100, 'x') + R"("})"),
            "Unknown message type: " + std::string(64, 'x'));
}

// Found by fuzz_ws_message: the echo was cut at 64 bytes even inside a UTF-8 sequence, and the
// reply (a text frame) was then not UTF-8, which a conforming client fails the connection for.
TEST(WsProtocol, AnUnknownTypeIsShortenedOnACharacterBoundary) {
  std::string const type = std::string(63, 'x') + "\xc3\xa9";  // 'é' spans bytes 64 and 65
  auto const detail = invalid_detail(R"({"type":")" + type + R"("})");
  EXPECT_EQ(detail, "Unknown message type: " + std::string(63, 'x'));
  auto const reply = gatehouse::json::parse_strict(*ws_error_message(detail));
  ASSERT_TRUE(reply.has_value()) << "the reply is not valid JSON (UTF-8)";
  EXPECT_EQ(reply->at("detail").as_string(), detail);

  std::string const emoji = std::string(62, 'x') + "\xf0\x9f\x98\x80";  // 4 bytes from byte 63
  EXPECT_EQ(invalid_detail(R"({"type":")" + emoji + R"("})"), "Unknown message type: " + std::string(62, 'x'));
}

TEST(WsProtocol, TheErrorReplyIsAJsonObjectCarryingTheDetail) {
  auto const reply = gatehouse::json::parse_strict(*ws_error_message("Not subscribed to r_1"));
  ASSERT_TRUE(reply && reply->is_object());
  EXPECT_EQ(reply->at("type").as_string(), "error");
  EXPECT_EQ(reply->at("detail").as_string(), "Not subscribed to r_1");
}

}  // namespace
