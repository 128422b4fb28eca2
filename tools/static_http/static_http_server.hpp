#pragma once
// A tiny HTTP/1.1 server on a loopback address that serves documents from memory, on its own
// thread. It is the development issuer's JWKS endpoint and, in the tests, the stand-in for
// Clerk's JWKS host (documents can be swapped, requests counted, and the host taken down).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gatehouse::tools {

class StaticHttpServer {
 public:
  // Binds host:port (port 0 picks a free one) and starts serving. Throws std::runtime_error
  // when the host is not a loopback address or the bind fails.
  explicit StaticHttpServer(std::string const& host = "127.0.0.1", std::uint16_t port = 0);
  ~StaticHttpServer();  // stops and joins
  StaticHttpServer(StaticHttpServer const&) = delete;
  StaticHttpServer& operator=(StaticHttpServer const&) = delete;

  std::uint16_t port() const;
  std::string url(std::string_view path) const;  // "http://127.0.0.1:<port><path>"

  // Serves body at path (exact match on the target without query) with status 200.
  void set(std::string const& path, std::string body, std::string content_type = "application/json");
  // Answers path with this status and an empty body (e.g. 500) until set() again.
  void set_status(std::string const& path, int status);
  // Requests received for path since start.
  std::size_t hits(std::string const& path) const;

  // Closes the listener and every connection: later connections are refused. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::tools
