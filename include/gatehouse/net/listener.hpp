#pragma once
#include "gatehouse/net/http_session.hpp"

namespace gatehouse::net {

// Accepts until the acceptor is closed; each connection gets its own strand and coroutine.
boost::asio::awaitable<void> accept_connections(boost::asio::ip::tcp::acceptor& acceptor,
                                                api::Dispatcher const& dispatcher, StreamContext& streams,
                                                HttpLimits limits);

}  // namespace gatehouse::net
