#include "gatehouse/net/sse_session.hpp"

#include "net/stream_core.hpp"
#include "net/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/socket.h>

#include <cerrno>

namespace gatehouse::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using streams::CloseReason;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// Followed by the X-Request-Id line and the blank line that ends the head.
constexpr std::string_view response_head =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream\r\n"
    "Cache-Control: no-store\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Accel-Buffering: no\r\n"
    "Connection: close\r\n";

// The fixed head, what the dispatcher added (CORS), and the request id (checked by the HTTP
// layer to be a token of safe characters, so it cannot split the head).
std::string head_with(std::vector<std::pair<std::string_view, std::string>> const& extra, std::string const& request_id) {
  std::string head(response_head);
  for (auto const& [name, value] : extra) {
    head.append(name).append(": ").append(value).append("\r\n");
  }
  return head.append("X-Request-Id: ").append(request_id).append("\r\n\r\n");
}

std::string_view closing_frame(CloseReason reason) {
  switch (reason) {
    case CloseReason::revoked: return "event: revoked\ndata: {\"detail\":\"Token revoked\"}\n\n";
    case CloseReason::expired: return "event: revoked\ndata: {\"detail\":\"Token expired\"}\n\n";
    case CloseReason::overflow:
      return "event: error\ndata: {\"detail\":\"Subscriber too slow; reconnect with Last-Event-ID\"}\n\n";
    default: return {};
  }
}

template <typename Stream>
asio::awaitable<bool> write_all(Stream& stream, std::string_view bytes, std::chrono::seconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), use_nothrow);
  co_return !ec;
}

// Readiness alone does not mean the client left: epoll can report a socket readable with
// nothing to read, which would end a healthy stream. Only end of stream or an error does; a
// client that sends bytes on an event stream is misbehaving and is let go as well (over TLS
// the bytes are a record: a close_notify, or nothing an event-stream client has reason to send). The handler
// runs on the connection's strand, like the loop, and touches the socket only while the loop
// has not yet let it go.
void watch_for_hangup(asio::ip::tcp::socket& socket, std::weak_ptr<StreamCore> weak_core) {
  socket.async_wait(asio::ip::tcp::socket::wait_read, [&socket, weak_core](boost::system::error_code ec) {
    auto core = weak_core.lock();
    if (!core || core->socket_released) return;
    if (!ec) {
      char byte = 0;
      ssize_t const n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        watch_for_hangup(socket, std::move(weak_core));
        return;
      }
    }
    core->outbox->close(CloseReason::client_gone);
  });
}

beast::tcp_stream as_stream(asio::ip::tcp::socket&& socket) { return beast::tcp_stream(std::move(socket)); }
TlsStream as_stream(TlsStream&& stream) { return std::move(stream); }

}  // namespace

template <typename Transport>
asio::awaitable<void> serve_sse(Transport transport, api::StreamUpgrade upgrade, StreamContext& ctx,
                                std::uint64_t registration) {
  auto stream = as_stream(std::move(transport));
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  auto const core = std::make_shared<StreamCore>(stream.get_executor(), ctx.outbox_capacity);
  install_waker(core);
  auth::Caller const& caller = upgrade.caller;
  std::uint64_t const stream_id = ctx.registry.add(caller.credential_ids(), core->outbox, streams::StreamRegistry::Kind::sse);
  // A revocation (or a shutdown) between the route's check and this registration found no
  // stream to close.
  if (caller.revoked()) core->outbox->close(CloseReason::revoked);
  if (ctx.connections.shutting_down()) core->outbox->close(CloseReason::shutdown);
  // The client never sends anything on an event stream: readability means it went away.
  watch_for_hangup(tcp.socket(), core);

  StreamSubscription sub{upgrade.research_id, upgrade.last_event_id, std::nullopt, false};
  auto next_heartbeat = std::chrono::steady_clock::now() + ctx.heartbeat;
  bool open = false;
  {
    std::string const head = head_with(upgrade.response_headers, upgrade.request_id);
    upgrade.response_headers = {};  // nothing of the request stays with the idle stream
    upgrade.request_id = {};
    open = co_await write_all(stream, head, ctx.write_timeout);
  }
  std::string batch;
  while (open) {
    if (!sub.hub_id && core->outbox->close_reason() == CloseReason::none) {
      auto const page = co_await ctx.db.read([&](store::Tx& tx) {
        return streams::replay_page(tx, ctx.hub, sub.research_id, caller.principal_id(), core->outbox,
                                    streams::Format::sse, sub.after_seq, ctx.replay_page, nullptr);
      });
      if (!page.found) break;
      sub.after_seq = page.last_seq;
      sub.hub_id = page.attached;
      sub.finished = page.finished;
    }

    batch.clear();
    bool ends = false;
    for (auto const& item : core->outbox->take()) {
      batch += *item.text;
      ends = ends || item.ends_stream;
    }
    if (!batch.empty() && !(open = co_await write_all(stream, batch, ctx.write_timeout))) break;
    if (ends) break;

    CloseReason const reason = core->outbox->close_reason();
    if (reason != CloseReason::none) {
      if (auto frame = closing_frame(reason); !frame.empty()) co_await write_all(stream, frame, ctx.write_timeout);
      break;
    }
    if (!sub.hub_id) continue;  // more stored events to page through
    if (sub.finished) break;    // caught up with a research that is done: nothing will follow

    if (std::chrono::steady_clock::now() >= next_heartbeat) {
      next_heartbeat = std::chrono::steady_clock::now() + ctx.heartbeat;
      if (auto r = heartbeat_check(caller, ctx.extender); r != CloseReason::none) {
        core->outbox->close(r);
        continue;
      }
      open = co_await write_all(stream, ": keepalive\n\n", ctx.write_timeout);
      continue;
    }
    co_await wait_for_wake(*core, next_heartbeat);
  }

  if (sub.hub_id) ctx.hub.unsubscribe(sub.research_id, *sub.hub_id);
  ctx.registry.remove(stream_id);
  core->socket_released = true;
  if constexpr (TransportTraits<Transport>::tls) {
    if (core->outbox->close_reason() != CloseReason::client_gone) co_await close_tls(stream);
  }
  beast::error_code ignored;
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  tcp.socket().close(ignored);
  ctx.connections.remove(registration);
}

template asio::awaitable<void> serve_sse(asio::ip::tcp::socket, api::StreamUpgrade, StreamContext&, std::uint64_t);
template asio::awaitable<void> serve_sse(TlsStream, api::StreamUpgrade, StreamContext&, std::uint64_t);

}  // namespace gatehouse::net
