#include "gatehouse/admin/admin_client.hpp"

#include "gatehouse/net.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>

#include <exception>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace gatehouse::admin {

using local = asio::local::stream_protocol;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

struct Exchange {
  http::request<http::string_body> request;
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  boost::system::error_code error;
  bool done = false;
};

asio::awaitable<void> exchange(local::socket& socket, Exchange& x) {
  auto [write_error, written] = co_await http::async_write(socket, x.request, use_nothrow);
  x.error = write_error;
  if (!x.error) {
    auto [read_error, read] = co_await http::async_read(socket, x.buffer, x.parser, use_nothrow);
    x.error = read_error;
  }
  x.done = true;
}

}  // namespace

AdminReply call_admin(std::filesystem::path const& socket_path, AdminRequest const& request,
                      std::chrono::seconds timeout) {
  asio::io_context ioc;
  local::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(local::endpoint(socket_path.string()), ec);
  if (ec) {
    throw AdminUnreachable("cannot reach the gatehouse admin socket " + socket_path.string() + ": " + ec.message() +
                           " (is the server running, with this database or --admin-socket?)");
  }
  Exchange x;
  x.request = http::request<http::string_body>{http::string_to_verb(request.method), request.target, 11};
  x.request.set(http::field::host, "gatehouse-admin");
  x.request.set(http::field::user_agent, "gatehouse-admin");
  if (!request.body.empty()) x.request.set(http::field::content_type, "application/json");
  x.request.body() = request.body;
  x.request.keep_alive(false);
  x.request.prepare_payload();
  x.parser.body_limit(64 * 1024 * 1024);
  // The exchange reports its own errors in x; anything else it throws is rethrown here.
  std::exception_ptr escaped;
  asio::co_spawn(ioc, exchange(socket, x), [&escaped](std::exception_ptr e) { escaped = e; });
  if (timeout.count() > 0) {
    ioc.run_for(timeout);
  } else {
    ioc.run();
  }
  if (escaped) std::rethrow_exception(escaped);
  if (!x.done) {
    throw AdminUnreachable("no answer from the gatehouse admin socket " + socket_path.string() + " within " +
                           std::to_string(timeout.count()) + " s");
  }
  if (x.error) {
    throw AdminUnreachable("no answer from the gatehouse admin socket " + socket_path.string() + ": " + x.error.message());
  }
  return AdminReply{static_cast<int>(x.parser.get().result_int()), x.parser.get().body()};
}

}  // namespace gatehouse::admin
