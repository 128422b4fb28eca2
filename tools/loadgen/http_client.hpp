#pragma once
// A small keep-alive HTTP/1.1 client for the request/response side of a run (minting sessions,
// creating research, publishing events): one connection, bound to a loopback source address,
// reconnected when the server closes it; one deadline over each exchange.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <string>

namespace gatehouse::loadgen {

struct HttpResult {
  unsigned status = 0;  // 0: the exchange failed, see error
  std::string body;
  std::string error;
  std::chrono::seconds retry_after{0};

  // "http 401 (Invalid token: ...)", or the transport error.
  std::string reason() const;
  // Worth another try: transport failures, 429 and 5xx.
  bool retryable() const { return status == 0 || status == 429 || status >= 500; }
};

class HttpClient {
 public:
  HttpClient(boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint target,
             boost::asio::ip::address source, std::string host);

  boost::asio::awaitable<HttpResult> request(boost::beast::http::verb verb, std::string target, std::string body,
                                             std::string bearer, std::chrono::milliseconds timeout);

 private:
  boost::asio::awaitable<boost::system::error_code> connect(std::chrono::milliseconds timeout);

  boost::asio::any_io_executor executor_;
  boost::asio::ip::tcp::endpoint target_;
  boost::asio::ip::address source_;
  std::string host_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

// Binds a fresh socket to a loopback source address (port chosen at connect time, so one
// address serves its whole ephemeral range).
boost::system::error_code open_from(boost::asio::ip::tcp::socket& socket, boost::asio::ip::address const& source);

}  // namespace gatehouse::loadgen
