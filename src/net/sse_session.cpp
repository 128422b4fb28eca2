#include "gatehouse/net/sse_session.hpp"

#include "gatehouse/net.hpp"
#include "gatehouse/streams/sse_protocol.hpp"
#include "gatehouse/streams/subscription.hpp"
#include "net/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/socket.h>

#include <cerrno>

namespace gatehouse::net {

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

template <typename Stream>
asio::awaitable<bool> write_all(Stream& stream, std::string_view bytes, std::chrono::seconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), use_nothrow);
  co_return !ec;
}

// What the hang-up watcher may touch: the outbox (thread-safe, and closing it wakes the stream)
// and, while the stream has not let go of it, the socket.
struct HangupWatch {
  std::weak_ptr<streams::Outbox> outbox;
  bool socket_released = false;  // used on the connection's executor only
};

// Readiness alone does not mean the client left: epoll can report a socket readable with
// nothing to read, which would end a healthy stream. Only end of stream or an error does; a
// client that sends bytes on an event stream is misbehaving and is let go as well (over TLS
// the bytes are a record: a close_notify, or nothing an event-stream client has reason to send).
// The handler runs on the connection's strand, like the stream.
void watch_for_hangup(asio::ip::tcp::socket& socket, std::weak_ptr<HangupWatch> weak_watch) {
  socket.async_wait(asio::ip::tcp::socket::wait_read, [&socket, weak_watch](boost::system::error_code ec) {
    auto watch = weak_watch.lock();
    if (!watch || watch->socket_released) return;
    if (!ec) {
      char byte = 0;
      ssize_t const n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        watch_for_hangup(socket, std::move(weak_watch));
        return;
      }
    }
    if (auto outbox = watch->outbox.lock()) outbox->close(CloseReason::client_gone);
  });
}

beast::tcp_stream as_stream(asio::ip::tcp::socket&& socket) { return beast::tcp_stream(std::move(socket)); }
TlsStream as_stream(TlsStream&& stream) { return std::move(stream); }

}  // namespace

template <typename Transport>
asio::awaitable<void> serve_sse(Transport transport, api::StreamUpgrade upgrade, StreamContext& ctx,
                                [[maybe_unused]] ConnectionRegistry::Registration registration) {
  auto stream = as_stream(std::move(transport));
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  streams::Subscription subscription(ctx.subscriptions, std::move(upgrade.caller), streams::Format::sse,
                                     stream.get_executor());
  subscription.follow(std::move(upgrade.research_id), upgrade.last_event_id);
  auto const watch = std::make_shared<HangupWatch>(HangupWatch{subscription.outbox()});
  // The client never sends anything on an event stream: readability means it went away.
  watch_for_hangup(tcp.socket(), watch);

  bool open = false;
  {
    std::string const head = head_with(upgrade.response_headers, upgrade.request_id);
    upgrade.response_headers = {};  // nothing of the request stays with the idle stream
    upgrade.request_id = {};
    open = co_await write_all(stream, head, ctx.write_timeout);
  }
  std::string batch;
  while (open) {
    auto const step = co_await subscription.next();
    batch.clear();
    bool ends = false;
    for (auto const& item : step.frames) {
      batch += *item.text;
      ends = ends || item.ends_stream;
    }
    if (step.heartbeat) batch += streams::sse_keepalive;
    if (!batch.empty() && !(open = co_await write_all(stream, batch, ctx.write_timeout))) break;
    if (ends) break;  // the research's "done" event: the stream is complete
    if (step.close != CloseReason::none) {
      if (auto frame = streams::sse_closing_frame(step.close); !frame.empty()) {
        co_await write_all(stream, frame, ctx.write_timeout);
      }
      break;
    }
  }

  watch->socket_released = true;
  if constexpr (TransportTraits<Transport>::tls) {
    if (subscription.close_reason() != CloseReason::client_gone) co_await close_tls(stream);
  }
  beast::error_code ignored;
  tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  tcp.socket().close(ignored);
}

template asio::awaitable<void> serve_sse(asio::ip::tcp::socket, api::StreamUpgrade, StreamContext&,
                                         ConnectionRegistry::Registration);
template asio::awaitable<void> serve_sse(TlsStream, api::StreamUpgrade, StreamContext&, ConnectionRegistry::Registration);

}  // namespace gatehouse::net
