#include "net/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/ssl.hpp>

namespace gatehouse::net {

boost::asio::awaitable<void> close_tls(TlsStream& stream) {
  boost::beast::get_lowest_layer(stream).expires_after(tls_close_timeout);
  co_await stream.async_shutdown(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace gatehouse::net
