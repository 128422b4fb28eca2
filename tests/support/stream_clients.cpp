#include "support/stream_clients.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json/parse.hpp>

#include "support/tls_client.hpp"

#include <stdexcept>
#include <strings.h>
#include <variant>

namespace gatehouse::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

std::string request_text(std::uint16_t port, std::string const& target, Headers const& headers) {
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nAccept: text/event-stream\r\n";
  for (auto const& [k, v] : headers) req += k + ": " + v + "\r\n";
  return req + "\r\n";
}

// Runs the io_context until the flag is set or the deadline passes.
bool run_until(asio::io_context& ioc, bool const& done, std::chrono::milliseconds timeout) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  ioc.restart();
  while (!done) {
    auto const now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    if (ioc.run_one_for(deadline - now) == 0 && !done) return false;
  }
  return true;
}

}  // namespace

struct SseClient::Impl {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  std::optional<asio::ssl::context> tls_context;
  std::optional<asio::ssl::stream<tcp::socket&>> tls;  // set: the stream is read and written through it
  std::string buffer;  // received, not yet parsed
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool eof = false;

  // Reads more bytes; false on timeout.
  bool read_more(std::chrono::milliseconds timeout) {
    if (eof) return false;
    bool done = false;
    // Large reads: a subscriber reading thousands of big frames must keep up with the server.
    constexpr std::size_t chunk = 64 * 1024;
    std::size_t const old_size = buffer.size();
    buffer.resize(old_size + chunk);
    auto on_read = [&](boost::system::error_code ec, std::size_t n) {
      buffer.resize(old_size + n);
      // A read cancelled by our own deadline is not the end of the stream.
      if (ec && ec != asio::error::operation_aborted) eof = true;
      done = true;
    };
    if (tls) {
      tls->async_read_some(asio::buffer(buffer.data() + old_size, chunk), on_read);
    } else {
      socket.async_read_some(asio::buffer(buffer.data() + old_size, chunk), on_read);
    }
    if (!run_until(ioc, done, timeout)) {
      socket.cancel();
      run_until(ioc, done, 1s);  // let the cancelled read finish
      if (!done) buffer.resize(old_size);
      return false;
    }
    return true;
  }
};

SseClient::SseClient(std::uint16_t port, std::string const& target, Headers const& headers)
    : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  open(port, target, headers);
}

SseClient::SseClient(std::uint16_t port, TlsTrust const& trust, std::string const& target, Headers const& headers)
    : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  impl_->tls_context.emplace(verifying_client_context(trust));
  impl_->tls.emplace(impl_->socket, *impl_->tls_context);
  impl_->tls->handshake(asio::ssl::stream_base::client);
  open(port, target, headers);
}

void SseClient::open(std::uint16_t port, std::string const& target, Headers const& headers) {
  if (impl_->tls) {
    asio::write(*impl_->tls, asio::buffer(request_text(port, target, headers)));
  } else {
    asio::write(impl_->socket, asio::buffer(request_text(port, target, headers)));
  }
  while (impl_->buffer.find("\r\n\r\n") == std::string::npos) {
    if (!impl_->read_more(10s) && impl_->buffer.find("\r\n\r\n") == std::string::npos) {
      throw std::runtime_error("no response head: " + impl_->buffer);
    }
  }
  auto const head_end = impl_->buffer.find("\r\n\r\n");
  std::string const head = impl_->buffer.substr(0, head_end);
  impl_->buffer.erase(0, head_end + 4);
  impl_->status = std::stoi(head.substr(9, 3));
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    auto const next = head.find("\r\n", pos + 2);
    std::string const line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    auto const colon = line.find(':');
    if (colon != std::string::npos) {
      impl_->headers.emplace_back(line.substr(0, colon), line.substr(line.find_first_not_of(' ', colon + 1)));
    }
    pos = next;
  }
  if (impl_->status != 200) {
    // An error answer is a normal JSON response with a Content-Length.
    std::size_t length = 0;
    for (auto const& [k, v] : impl_->headers) {
      if (::strcasecmp(k.c_str(), "Content-Length") == 0) length = std::stoul(v);
    }
    while (impl_->buffer.size() < length && impl_->read_more(10s)) {
    }
    impl_->body = impl_->buffer;
  }
}

SseClient::~SseClient() = default;

int SseClient::status() const { return impl_->status; }
std::string const& SseClient::body() const { return impl_->body; }
bool SseClient::closed() const { return impl_->eof; }

std::string SseClient::header(std::string const& name) const {
  for (auto const& [k, v] : impl_->headers) {
    if (::strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return {};
}

std::optional<SseEvent> SseClient::next(std::chrono::milliseconds timeout) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto const end = impl_->buffer.find("\n\n");
    if (end != std::string::npos) {
      std::string const block = impl_->buffer.substr(0, end);
      impl_->buffer.erase(0, end + 2);
      SseEvent e;
      std::size_t pos = 0;
      while (pos <= block.size()) {
        auto const nl = block.find('\n', pos);
        std::string const line = block.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (line.starts_with(":")) {
          e.comment = line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1);
        } else if (line.starts_with("id: ")) {
          e.id = line.substr(4);
        } else if (line.starts_with("event: ")) {
          e.event = line.substr(7);
        } else if (line.starts_with("data: ")) {
          e.data += line.substr(6);
        }
        if (nl == std::string::npos) break;
        pos = nl + 1;
      }
      return e;
    }
    auto const now = std::chrono::steady_clock::now();
    if (now >= deadline || impl_->eof) return std::nullopt;
    if (!impl_->read_more(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now))) {
      if (impl_->buffer.find("\n\n") == std::string::npos) return std::nullopt;
    }
  }
}

std::optional<SseEvent> SseClient::next_event(std::chrono::milliseconds timeout) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto e = next(left);
    if (!e) return std::nullopt;
    if (!e->event.empty() || !e->data.empty()) return e;
  }
}

bool SseClient::wait_closed(std::chrono::milliseconds timeout) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  while (!impl_->eof) {
    auto const now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    impl_->read_more(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
  return true;
}

struct WsClient::Impl {
  using Plain = websocket::stream<beast::tcp_stream>;
  using Tls = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

  asio::io_context ioc;
  std::optional<asio::ssl::context> tls_context;  // declared before the stream that uses it
  std::variant<Plain, Tls> ws;
  beast::flat_buffer buffer;
  bool closed = false;
  std::optional<int> close_code;
  std::string close_reason;

  Impl() : ws(std::in_place_type<Plain>, ioc) {}
  explicit Impl(TlsTrust const& trust)
      : tls_context(verifying_client_context(trust)), ws(std::in_place_type<Tls>, ioc, *tls_context) {}

  template <typename Use>
  decltype(auto) with_ws(Use&& use) {
    return std::visit(std::forward<Use>(use), ws);
  }
  tcp::socket& socket() {
    return with_ws([](auto& s) -> tcp::socket& { return beast::get_lowest_layer(s).socket(); });
  }

  void note_close(boost::system::error_code ec) {
    closed = true;
    if (ec == websocket::error::closed) {
      with_ws([&](auto& s) {
        close_code = static_cast<int>(s.reason().code);
        close_reason = std::string(s.reason().reason.data(), s.reason().reason.size());
      });
    } else {
      close_code = 0;
    }
  }
};

WsClient::WsClient(std::uint16_t port, std::string const& target, Headers const& headers)
    : impl_(std::make_unique<Impl>()) {
  open(port, target, headers);
}

WsClient::WsClient(std::uint16_t port, TlsTrust const& trust, std::string const& target, Headers const& headers)
    : impl_(std::make_unique<Impl>(trust)) {
  open(port, target, headers);
}

void WsClient::open(std::uint16_t port, std::string const& target, Headers const& headers) {
  impl_->socket().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  if (auto* tls = std::get_if<Impl::Tls>(&impl_->ws)) tls->next_layer().handshake(asio::ssl::stream_base::client);
  impl_->with_ws([&](auto& ws) {
    ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (auto const& [k, v] : headers) req.set(k, v);
    }));
    websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
    if (ec) {
      throw std::runtime_error("WebSocket upgrade refused: " + std::to_string(res.result_int()) + " " + res.body());
    }
  });
}

WsClient::~WsClient() {
  if (!impl_->closed) {
    beast::error_code ignored;
    impl_->socket().close(ignored);
  }
}

HttpResponse WsClient::refused_upgrade(std::uint16_t port, std::string const& target, Headers const& headers) {
  Headers all{{"Connection", "Upgrade"},
              {"Upgrade", "websocket"},
              {"Sec-WebSocket-Version", "13"},
              {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  all.insert(all.end(), headers.begin(), headers.end());
  return http(port, "GET", target, {}, all);
}

void WsClient::send(std::string const& text) {
  impl_->with_ws([&](auto& ws) {
    ws.text(true);
    ws.write(asio::buffer(text));
  });
}

void WsClient::send_binary(std::string const& bytes) {
  impl_->with_ws([&](auto& ws) {
    ws.binary(true);
    ws.write(asio::buffer(bytes));
    ws.text(true);
  });
}

std::optional<boost::json::value> WsClient::receive(std::chrono::milliseconds timeout) {
  if (impl_->closed) return std::nullopt;
  bool done = false;
  boost::system::error_code result;
  impl_->buffer.clear();
  impl_->with_ws([&](auto& ws) {
    ws.async_read(impl_->buffer, [&](boost::system::error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
  });
  if (!run_until(impl_->ioc, done, timeout)) {
    // A timed-out WebSocket read cannot be resumed: the client is done.
    impl_->socket().cancel();
    run_until(impl_->ioc, done, 1s);
    impl_->closed = true;
    return std::nullopt;
  }
  if (result) {
    impl_->note_close(result);
    return std::nullopt;
  }
  return boost::json::parse(beast::buffers_to_string(impl_->buffer.data()));
}

std::optional<int> WsClient::wait_close(std::chrono::milliseconds timeout) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  while (!impl_->closed) {
    auto const now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    receive(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
  return impl_->close_code;
}

std::string WsClient::close_reason() const { return impl_->close_reason; }
bool WsClient::closed() const { return impl_->closed; }

}  // namespace gatehouse::testing
