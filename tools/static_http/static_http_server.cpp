#include "static_http/static_http_server.hpp"

#include "gatehouse/net.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

namespace gatehouse::tools {

using tcp = asio::ip::tcp;

namespace {

// A client that opens a connection and never finishes its request must not pin a coroutine
// (and, in the tests, delay shutdown) forever.
constexpr auto read_deadline = std::chrono::seconds(10);
constexpr std::size_t header_limit = 8 * 1024;
constexpr std::size_t body_limit = 64 * 1024;

struct Document {
  int status = 200;
  std::string body;
  std::string content_type;
};

asio::ip::address loopback_address(std::string const& host) {
  if (host == "localhost") return asio::ip::address_v4::loopback();
  boost::system::error_code ec;
  auto const address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("static HTTP server: '" + host + "' is not an IP address");
  // This server has no authentication and no TLS: it must never be reachable from elsewhere.
  if (!address.is_loopback()) {
    throw std::runtime_error("static HTTP server: refusing to listen on non-loopback address " + host);
  }
  return address;
}

std::string_view path_of(std::string_view target) {
  auto const query = target.find('?');
  return query == std::string_view::npos ? target : target.substr(0, query);
}

}  // namespace

struct StaticHttpServer::Impl {
  // Declared first so it is destroyed last: every I/O object below belongs to it.
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::string host_for_url;
  std::uint16_t port = 0;
  std::thread thread;

  // Shared with callers of set()/set_status()/hits().
  mutable std::mutex mutex;
  std::map<std::string, Document, std::less<>> documents;
  std::map<std::string, std::size_t, std::less<>> hit_counts;

  // Touched only on the I/O thread.
  bool stopping = false;
  std::set<std::shared_ptr<beast::tcp_stream>> connections;

  std::mutex stop_mutex;
  bool stopped = false;

  http::response<http::string_body> respond(http::request<http::empty_body> const& request) {
    std::string_view const path = path_of(std::string_view(request.target().data(), request.target().size()));
    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());

    std::optional<Document> document;
    {
      std::lock_guard lock(mutex);
      auto hits = hit_counts.find(path);
      if (hits == hit_counts.end()) hits = hit_counts.emplace(std::string(path), 0).first;
      ++hits->second;
      if (auto it = documents.find(path); it != documents.end()) document = it->second;
    }

    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      response.result(http::status::method_not_allowed);
      response.set(http::field::allow, "GET, HEAD");
      response.set(http::field::content_type, "text/plain");
      response.body() = "method not allowed\n";
    } else if (!document) {
      response.result(http::status::not_found);
      response.set(http::field::content_type, "text/plain");
      response.body() = "not found\n";
    } else {
      response.result(static_cast<unsigned>(document->status));
      response.set(http::field::content_type, document->content_type);
      response.body() = std::move(document->body);
    }
    response.set(http::field::cache_control, "no-store");
    response.prepare_payload();
    return response;
  }

  asio::awaitable<void> serve(std::shared_ptr<beast::tcp_stream> stream) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      http::request_parser<http::empty_body> parser;
      parser.header_limit(header_limit);
      parser.body_limit(body_limit);
      stream->expires_after(read_deadline);
      co_await http::async_read(*stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;  // end_of_stream, timeout, closed by stop(): all simply end the connection

      auto const& request = parser.get();
      auto response = respond(request);
      bool const head = request.method() == http::verb::head;
      bool const keep_alive = response.keep_alive();
      stream->expires_never();
      if (head) {
        http::response_serializer<http::string_body> serializer(response);
        co_await http::async_write_header(*stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
      } else {
        co_await http::async_write(*stream, response, asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec || !keep_alive) break;
    }
    stream->socket().shutdown(tcp::socket::shutdown_send, ec);
    stream->close();
    connections.erase(stream);
  }

  asio::awaitable<void> accept_loop() {
    asio::steady_timer backoff(ioc);
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (stopping || ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {
        // Out of descriptors and the like: try again shortly rather than spin.
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      // Registered before the coroutine first runs, so a stop() in between still closes it.
      connections.insert(stream);
      asio::co_spawn(ioc, serve(stream), asio::detached);
    }
  }

  // Runs on the I/O thread.
  void close_everything() {
    stopping = true;
    boost::system::error_code ec;
    acceptor.close(ec);
    for (auto const& stream : connections) stream->socket().close(ec);
  }
};

StaticHttpServer::StaticHttpServer(std::string const& host, std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  auto const address = loopback_address(host);
  impl_->host_for_url = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();

  tcp::endpoint const endpoint(address, port);
  boost::system::error_code ec;
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("static HTTP server: cannot listen on " + host + ":" + std::to_string(port) + ": " +
                             ec.message());
  }
  impl_->port = acceptor.local_endpoint().port();

  asio::co_spawn(impl_->ioc, impl_->accept_loop(), [](std::exception_ptr error) {
    // Only an allocation failure could get here; a test server dying loudly is the right outcome.
    if (error) std::rethrow_exception(error);
  });
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

StaticHttpServer::~StaticHttpServer() { stop(); }

std::uint16_t StaticHttpServer::port() const { return impl_->port; }

std::string StaticHttpServer::url(std::string_view path) const {
  return "http://" + impl_->host_for_url + ":" + std::to_string(impl_->port) + std::string(path);
}

void StaticHttpServer::set(std::string const& path, std::string body, std::string content_type) {
  std::lock_guard lock(impl_->mutex);
  impl_->documents[path] = Document{200, std::move(body), std::move(content_type)};
}

void StaticHttpServer::set_status(std::string const& path, int status) {
  // Refused here, where the caller sees it, rather than failing inside the server thread.
  if (status < 100 || status > 999) throw std::invalid_argument("HTTP status out of range: " + std::to_string(status));
  std::lock_guard lock(impl_->mutex);
  impl_->documents[path] = Document{status, {}, "text/plain"};
}

std::size_t StaticHttpServer::hits(std::string const& path) const {
  std::lock_guard lock(impl_->mutex);
  auto const it = impl_->hit_counts.find(path);
  return it == impl_->hit_counts.end() ? 0 : it->second;
}

void StaticHttpServer::stop() {
  std::lock_guard lock(impl_->stop_mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->close_everything(); });
  // With the acceptor and every socket closed, all coroutines finish and run() returns on its own.
  if (impl_->thread.joinable()) impl_->thread.join();
  // If run() had already returned for another reason, the posted close never ran.
  impl_->close_everything();
}

}  // namespace gatehouse::tools
