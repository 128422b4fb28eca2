#include "gatehouse/net/listener.hpp"

#include "gatehouse/net.hpp"
#include "gatehouse/util/log.hpp"
#include "gatehouse/util/spawn.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gatehouse::net {

using asio::ip::tcp;

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, api::Dispatcher const& dispatcher,
                                         StreamContext& streams, HttpLimits limits, TlsCertificate const* tls) {
  auto executor = co_await asio::this_coro::executor;
  // Each connection's strand wraps the io_context's own executor, not an any_io_executor: the
  // strand is then small enough for any_io_executor's inline storage, so the socket, its timers
  // and every pending operation copy it without a heap allocation (about 1 KiB per idle stream).
  auto& ioc = static_cast<asio::io_context&>(acceptor.get_executor().context());
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      log::warn("accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(executor, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto socket_executor = socket.get_executor();
    if (tls) {
      asio::co_spawn(socket_executor,
                     serve_https_connection(std::move(socket), tls->current(), dispatcher, streams, limits),
                     report_failures("https connection"));
    } else {
      asio::co_spawn(socket_executor, serve_http_connection(std::move(socket), dispatcher, streams, limits),
                     report_failures("http connection"));
    }
  }
}

}  // namespace gatehouse::net
