// serve_websocket over the bare socket (the TLS one is in ws_session_tls.cpp: two translation
// units that build in parallel).
#include "gatehouse/net/ws_session.hpp"

#include "net/ws_session_impl.hpp"

namespace gatehouse::net {

template asio::awaitable<void> serve_websocket(asio::ip::tcp::socket, http::request<http::string_body>,
                                               api::StreamUpgrade, StreamContext&, ConnectionRegistry::Registration);

}  // namespace gatehouse::net
