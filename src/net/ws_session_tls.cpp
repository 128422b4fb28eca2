// serve_websocket over TLS (the plain one is in ws_session.cpp).
#include "net/ws_session_impl.hpp"

#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace gatehouse::net {

template asio::awaitable<void> serve_websocket(TlsStream, http::request<http::string_body>, api::StreamUpgrade,
                                               StreamContext&, ConnectionRegistry::Registration);

}  // namespace gatehouse::net
