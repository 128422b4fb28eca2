#pragma once
// The two transports a connection can have: the bare TCP socket, or TLS over it. The HTTP,
// SSE and WebSocket sessions are templates over these, instantiated for both in their .cpp
// files; only the net/ sources include this (it pulls in Asio.SSL).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>

namespace gatehouse::net {

// Movable without reallocating (Beast keeps the OpenSSL stream behind a pointer), so a
// session can take it over from the HTTP connection.
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <typename Transport>
struct TransportTraits;

// A plain session wraps the socket it is handed in a tcp_stream (for its deadlines).
template <>
struct TransportTraits<boost::asio::ip::tcp::socket> {
  using Stream = boost::beast::tcp_stream;
  static constexpr bool tls = false;
};

template <>
struct TransportTraits<TlsStream> {
  using Stream = TlsStream;
  static constexpr bool tls = true;
};

// How long a TLS connection waits for the peer's close_notify after sending its own.
constexpr std::chrono::seconds tls_close_timeout{2};

// Sends close_notify and waits (up to tls_close_timeout) for the peer's; errors are expected
// (peers often just close) and ignored.
boost::asio::awaitable<void> close_tls(TlsStream& stream);

}  // namespace gatehouse::net
