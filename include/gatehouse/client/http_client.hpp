#pragma once
// A one-shot HTTP(S) GET for the JWKS fetcher: certificate and host-name verification on https,
// one deadline over the whole exchange, and a cap on the body size.
#include "gatehouse/client/url.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace gatehouse::client {

struct HttpGetResult {
  unsigned status = 0;
  std::string body;
};

// Runs on the calling coroutine's executor. Throws std::runtime_error with a short reason
// ("connect: Connection refused", "TLS handshake: certificate verify failed", "timeout", ...).
boost::asio::awaitable<HttpGetResult> http_get(Url const& url, std::chrono::milliseconds timeout,
                                               std::size_t body_limit);

}  // namespace gatehouse::client
