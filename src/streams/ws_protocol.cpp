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

namespace {
std::shared_ptr<std::string const> message(boost::json::object const& o) {
  return std::make_shared<std::string const>(boost::json::serialize(o));
}
}  // namespace

std::shared_ptr<std::string const> ws_welcome(std::string_view principal_id, std::optional<std::int64_t> expires_in) {
  return message({{"type", "welcome"},
                  {"principal_id", principal_id},
                  {"session_expires_in", expires_in ? boost::json::value(*expires_in) : boost::json::value(nullptr)}});
}

std::shared_ptr<std::string const> ws_pong() { return message({{"type", "pong"}}); }

std::shared_ptr<std::string const> ws_subscribed(std::string_view research_id) {
  return message({{"type", "subscribed"}, {"research_id", research_id}});
}

std::shared_ptr<std::string const> ws_unsubscribed(std::string_view research_id) {
  return message({{"type", "unsubscribed"}, {"research_id", research_id}});
}

std::shared_ptr<std::string const> ws_error_message(std::string_view detail, std::optional<std::string_view> research_id) {
  boost::json::object o{{"type", "error"}, {"detail", detail}};
  if (research_id) o["research_id"] = *research_id;
  return message(o);
}

WsClose ws_close_for(CloseReason reason) {
  switch (reason) {
    case CloseReason::revoked: return {4401, "Token revoked"};
    case CloseReason::expired: return {4401, "Token expired"};
    case CloseReason::overflow: return {4008, "Subscriber too slow"};
    case CloseReason::failed: return {1011, "Stream failed; reconnect with after_seq"};
    default: return {1001, "Server shutting down"};
  }
}

}  // namespace gatehouse::streams
