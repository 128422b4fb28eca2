#include "gatehouse/streams/ws_protocol.hpp"

#include "gatehouse/json/strict_json.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <limits>

namespace gatehouse::streams {

namespace {

// How much of an unknown type is echoed back: enough to recognise it, not an amplifier.
constexpr std::size_t max_echoed_type_size = 64;

// At most max bytes of text, never ending inside a UTF-8 sequence (text is valid UTF-8: the
// strict parser checked it). A cut sequence would make the reply invalid UTF-8, which a client
// must treat as a protocol error in a text frame and fail the connection (RFC 6455 §8.1).
std::string_view utf8_prefix(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // a continuation byte
  return text.substr(0, end);
}

}  // namespace

WsCommand parse_ws_message(std::string_view text, bool binary) {
  if (binary) return WsInvalid{"Binary messages are not supported"};
  json::ParseFailure failure;
  auto value = json::parse_strict(text, &failure, 8);
  if (!value) return WsInvalid{"Invalid message: " + failure.reason};
  if (!value->is_object()) return WsInvalid{"Invalid message: expected a JSON object"};
  auto const& msg = value->get_object();
  auto const* type = msg.if_contains("type");
  if (!type || !type->is_string()) return WsInvalid{"Invalid message: type required"};
  std::string_view const kind = type->get_string();
  if (kind == "ping") return WsPing{};
  if (kind != "subscribe" && kind != "unsubscribe") {
    return WsInvalid{"Unknown message type: " + std::string(utf8_prefix(kind, max_echoed_type_size))};
  }
  auto const* rid = msg.if_contains("research_id");
  if (!rid || !rid->is_string() || rid->get_string().empty() || rid->get_string().size() > max_ws_research_id_size) {
    return WsInvalid{"research_id required"};
  }
  std::string research_id(rid->get_string());
  if (kind == "unsubscribe") return WsUnsubscribe{std::move(research_id)};

  std::int64_t after_seq = 0;
  if (auto const* after = msg.if_contains("after_seq")) {
    if (after->is_int64() && after->get_int64() >= 0) {
      after_seq = after->get_int64();
    } else if (after->is_uint64()) {
      after_seq = std::numeric_limits<std::int64_t>::max();  // beyond any seq: live events only
    } else {
      return WsInvalid{"after_seq must be a non-negative integer"};
    }
  }
  return WsSubscribe{std::move(research_id), after_seq};
}

std::shared_ptr<std::string const> ws_error_message(std::string_view detail) {
  return std::make_shared<std::string const>(
      boost::json::serialize(boost::json::object{{"type", "error"}, {"detail", detail}}));
}

}  // namespace gatehouse::streams
