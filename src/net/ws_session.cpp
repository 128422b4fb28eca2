#include "gatehouse/net/ws_session.hpp"

#include "gatehouse/streams/ws_protocol.hpp"
#include "net/stream_core.hpp"
#include "net/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <type_traits>
#include <utility>
#include <variant>

namespace gatehouse::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using streams::CloseReason;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_inbox = 64;  // unprocessed client messages before the client counts as flooding

struct Inbound {
  std::string text;
  bool binary = false;
};

// A WebSocket keeps its deadlines itself (Beast's websocket timeouts), so a plain one sits on
// the bare socket: a tcp_stream's timer state and its read operation cost every idle stream
// about 0.25 KiB (measured at 19,000 streams).
// Under TLS the ssl_stream keeps its tcp_stream, as the HTTP connection made it.
template <typename Transport>
using WsNextLayer = std::conditional_t<TransportTraits<Transport>::tls, TlsStream, asio::ip::tcp::socket>;

asio::ip::tcp::socket& socket_of(asio::ip::tcp::socket& s) { return s; }
asio::ip::tcp::socket& socket_of(beast::tcp_stream& s) { return s.socket(); }

// Shared by the reader and the main loop (both on the connection's executor).
template <typename Transport>
struct WsConnection {
  WsConnection(Transport&& t, std::shared_ptr<StreamCore> c) : ws(std::move(t)), core(std::move(c)) {}
  websocket::stream<WsNextLayer<Transport>> ws;
  std::shared_ptr<StreamCore> core;
  std::vector<Inbound> inbox;
  bool reader_done = false;
};

std::shared_ptr<std::string const> message(boost::json::object const& o) {
  return std::make_shared<std::string const>(boost::json::serialize(o));
}

websocket::close_reason close_reason_for(CloseReason reason) {
  switch (reason) {
    case CloseReason::revoked: return {static_cast<websocket::close_code>(4401), "Token revoked"};
    case CloseReason::expired: return {static_cast<websocket::close_code>(4401), "Token expired"};
    case CloseReason::overflow: return {static_cast<websocket::close_code>(4008), "Subscriber too slow"};
    default: return {websocket::close_code::going_away, "Server shutting down"};
  }
}

// Reads frame by frame into a small chunk and assembles each message in a string, rather than
// async_read into a flat_buffer: that read prepares (allocates) a 1536-byte buffer before it
// waits, which an idle stream would hold for its whole life. read_message_max applies the same.
template <typename Transport>
asio::awaitable<void> read_messages(std::shared_ptr<WsConnection<Transport>> c) {
  std::string text;
  for (;;) {
    std::array<char, 256> chunk;
    auto [ec, n] = co_await c->ws.async_read_some(asio::buffer(chunk), use_nothrow);
    if (ec) break;
    text.append(chunk.data(), n);
    if (!c->ws.is_message_done()) continue;
    c->inbox.push_back(Inbound{std::exchange(text, std::string()), !c->ws.got_text()});
    if (c->inbox.size() > max_inbox) {
      c->core->outbox->close(CloseReason::overflow);
      break;
    }
    wake_now(*c->core);
  }
  c->reader_done = true;
  c->core->outbox->close(CloseReason::client_gone);  // no-op when another reason came first
  wake_now(*c->core);
}

// Acts on one client message; replies (and new subscriptions to replay) go to the outbox/subs.
void handle_message(Inbound const& in, std::vector<StreamSubscription>& subs, StreamContext& ctx,
                    streams::Outbox& outbox) {
  auto const command = streams::parse_ws_message(in.text, in.binary);
  if (auto const* invalid = std::get_if<streams::WsInvalid>(&command)) {
    outbox.push(streams::ws_error_message(invalid->detail));
    return;
  }
  if (std::holds_alternative<streams::WsPing>(command)) {
    outbox.push(message({{"type", "pong"}}));
    return;
  }
  if (auto const* unsubscribe = std::get_if<streams::WsUnsubscribe>(&command)) {
    std::string const& research_id = unsubscribe->research_id;
    auto existing = std::find_if(subs.begin(), subs.end(), [&](auto const& s) { return s.research_id == research_id; });
    if (existing == subs.end()) {
      outbox.push(streams::ws_error_message("Not subscribed to " + research_id));
      return;
    }
    // Anything the hub queued before this point precedes the reply; nothing follows it.
    if (existing->hub_id) ctx.hub.unsubscribe(research_id, *existing->hub_id);
    subs.erase(existing);
    outbox.push(message({{"type", "unsubscribed"}, {"research_id", research_id}}));
    return;
  }
  auto const& subscribe = std::get<streams::WsSubscribe>(command);
  if (std::any_of(subs.begin(), subs.end(), [&](auto const& s) { return s.research_id == subscribe.research_id; })) {
    outbox.push(streams::ws_error_message("Already subscribed to " + subscribe.research_id));
    return;
  }
  if (subs.size() >= ctx.max_subscriptions) {
    outbox.push(streams::ws_error_message("Too many subscriptions on one socket (max " +
                                          std::to_string(ctx.max_subscriptions) + ")"));
    return;
  }
  // Replayed by the loop: "subscribed", stored events, then live.
  subs.push_back(StreamSubscription{subscribe.research_id, subscribe.after_seq});
}

}  // namespace

template <typename Transport>
asio::awaitable<void> serve_websocket(Transport transport, beast::http::request<beast::http::string_body> request,
                                      api::StreamUpgrade upgrade, StreamContext& ctx, std::uint64_t registration) {
  auto const core = std::make_shared<StreamCore>(transport.get_executor(), ctx.outbox_capacity);
  auto const c = std::make_shared<WsConnection<Transport>>(std::move(transport), core);
  auth::Caller const& caller = upgrade.caller;

  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  // Beast pings an idle peer at half this and drops it if nothing comes back.
  timeouts.idle_timeout = std::max<std::chrono::seconds>(ctx.heartbeat * 2, std::chrono::seconds(20));
  timeouts.keep_alive_pings = true;
  c->ws.set_option(timeouts);
  c->ws.read_message_max(ctx.max_ws_message);
  if constexpr (TransportTraits<Transport>::tls) beast::get_lowest_layer(c->ws).expires_never();
  c->ws.set_option(websocket::stream_base::decorator(
      [id = upgrade.request_id](websocket::response_type& res) { res.set("X-Request-Id", id); }));

  auto [accept_ec] = co_await c->ws.async_accept(request, use_nothrow);
  request = {};  // the upgrade request is not needed any more: free it for the idle connection
  std::uint64_t stream_id = 0;
  std::vector<StreamSubscription> subs;
  if (!accept_ec) {
  install_waker(core);
  stream_id = ctx.registry.add(caller.credential_ids(), core->outbox, streams::StreamRegistry::Kind::ws);
  // A revocation (or a shutdown) between the route's check and this registration found no
  // stream to close.
  if (caller.revoked()) core->outbox->close(CloseReason::revoked);
  if (ctx.connections.shutting_down()) core->outbox->close(CloseReason::shutdown);
  auto const expires_at = caller.expires_at();  // none: an API key that never expires
  core->outbox->push(message({{"type", "welcome"},
                              {"principal_id", caller.principal_id()},
                              {"session_expires_in", expires_at ? boost::json::value(*expires_at - now_unix())
                                                                : boost::json::value(nullptr)}}));
  asio::co_spawn(core->timer.get_executor(), read_messages(c), asio::detached);

  {
    auto next_heartbeat = std::chrono::steady_clock::now() + ctx.heartbeat;
    std::vector<Inbound> inbox;
    for (;;) {
      inbox.clear();
      inbox.swap(c->inbox);
      for (auto const& in : inbox) handle_message(in, subs, ctx, *core->outbox);

      bool write_failed = false;
      for (auto const& item : core->outbox->take()) {
        auto [ec, n] = co_await c->ws.async_write(asio::buffer(*item.text), use_nothrow);
        if (ec) {
          write_failed = true;
          break;
        }
      }
      if (write_failed) break;

      CloseReason const reason = core->outbox->close_reason();
      if (reason != CloseReason::none) {
        if (reason != CloseReason::client_gone && !c->reader_done) {
          co_await c->ws.async_close(close_reason_for(reason), use_nothrow);
        }
        break;
      }
      if (!c->inbox.empty()) continue;

      // One page of one pending replay per turn, so writes and client messages interleave.
      auto pending = std::find_if(subs.begin(), subs.end(), [](auto const& s) { return !s.hub_id; });
      if (pending != subs.end()) {
        std::string const research_id = pending->research_id;
        std::int64_t const after_seq = pending->after_seq;
        // "subscribed" goes first, with the first page, only once the research is known to be the caller's.
        auto preface = pending->announced ? nullptr : message({{"type", "subscribed"}, {"research_id", research_id}});
        auto const page = co_await ctx.db.read([&](store::Tx& tx) {
          return streams::replay_page(tx, ctx.hub, research_id, caller.principal_id(), core->outbox,
                                      streams::Format::ws, after_seq, ctx.replay_page, preface);
        });
        // The client may have unsubscribed while the page was read.
        auto it = std::find_if(subs.begin(), subs.end(), [&](auto const& s) { return s.research_id == research_id; });
        if (it == subs.end()) {
          if (page.attached) ctx.hub.unsubscribe(research_id, *page.attached);
        } else if (!page.found) {
          subs.erase(it);
          core->outbox->push(message({{"type", "error"}, {"detail", "Research not found"}, {"research_id", research_id}}));
        } else {
          it->after_seq = page.last_seq;
          it->hub_id = page.attached;
          it->announced = true;
        }
        continue;
      }

      if (std::chrono::steady_clock::now() >= next_heartbeat) {
        next_heartbeat = std::chrono::steady_clock::now() + ctx.heartbeat;
        if (auto r = heartbeat_check(caller, ctx.extender); r != CloseReason::none) core->outbox->close(r);
        continue;
      }
      co_await wait_for_wake(*core, next_heartbeat);
    }
  }
  }

  for (auto const& s : subs) {
    if (s.hub_id) ctx.hub.unsubscribe(s.research_id, *s.hub_id);
  }
  if (stream_id) ctx.registry.remove(stream_id);
  beast::error_code ignored;
  socket_of(beast::get_lowest_layer(c->ws)).shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_of(beast::get_lowest_layer(c->ws)).close(ignored);  // ends the reader if it still waits
  ctx.connections.remove(registration);
}

template asio::awaitable<void> serve_websocket(asio::ip::tcp::socket, beast::http::request<beast::http::string_body>,
                                               api::StreamUpgrade, StreamContext&, std::uint64_t);
template asio::awaitable<void> serve_websocket(TlsStream, beast::http::request<beast::http::string_body>,
                                               api::StreamUpgrade, StreamContext&, std::uint64_t);

}  // namespace gatehouse::net
