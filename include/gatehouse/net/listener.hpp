#pragma once
#include "gatehouse/net/http_session.hpp"

namespace gatehouse::net {

// Accepts until the acceptor is closed; each connection gets its own strand and coroutine.
// With a certificate every connection is TLS (no plaintext on the port), with the context
// current when it was accepted.
boost::asio::awaitable<void> accept_connections(boost::asio::ip::tcp::acceptor& acceptor,
                                                api::Dispatcher const& dispatcher, StreamContext& streams,
                                                HttpLimits limits, TlsCertificate const* tls);

}  // namespace gatehouse::net
