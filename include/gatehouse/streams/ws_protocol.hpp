#pragma once
// The client side of the WebSocket endpoint's protocol (docs/api.md, "WebSocket"): one client
// message in, the command it asks for or the error reply it gets. No socket, hub or database,
// so that the part of GET /ws that reads untrusted bytes is unit-tested and fuzzed on its own.
#include "gatehouse/streams/outbox.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace gatehouse::streams {

inline constexpr std::size_t max_ws_research_id_size = 128;

struct WsPing {};
struct WsSubscribe {
  std::string research_id;
  std::int64_t after_seq = 0;  // INT64_MAX when the client asked for more than any seq: live only
};
struct WsUnsubscribe {
  std::string research_id;
};
// A message the server cannot act on; the socket stays open and the client gets `detail`.
struct WsInvalid {
  std::string detail;
};

using WsCommand = std::variant<WsPing, WsSubscribe, WsUnsubscribe, WsInvalid>;

WsCommand parse_ws_message(std::string_view text, bool binary);

// The server's messages.
std::shared_ptr<std::string const> ws_welcome(std::string_view principal_id, std::optional<std::int64_t> expires_in);
std::shared_ptr<std::string const> ws_pong();
std::shared_ptr<std::string const> ws_subscribed(std::string_view research_id);
std::shared_ptr<std::string const> ws_unsubscribed(std::string_view research_id);
// {"type":"error","detail":...}, with the research it concerns when given.
std::shared_ptr<std::string const> ws_error_message(std::string_view detail,
                                                    std::optional<std::string_view> research_id = std::nullopt);

// The close frame for why a socket ends: 4401 on revocation or expiry (the contract), 4008 for a
// subscriber too slow, 1011 when it could not be served, 1001 otherwise.
struct WsClose {
  std::uint16_t code;
  std::string_view reason;
};
WsClose ws_close_for(CloseReason reason);

}  // namespace gatehouse::streams
