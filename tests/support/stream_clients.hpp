#pragma once
// Real stream clients for the end-to-end tests: an SSE client that parses the event-stream
// format off a raw socket, and a Beast WebSocket client. Every wait has a deadline and returns
// as soon as the awaited thing arrives (no sleeps).
#include "support/http_client.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace gatehouse::testing {

using namespace std::chrono_literals;

struct SseEvent {
  std::string id;
  std::string event;  // "" for a comment
  std::string data;
  std::string comment;  // ": keepalive" → "keepalive"
};

class SseClient {
 public:
  // Sends "GET target" and reads the response head. On a non-200 answer, status() and body()
  // tell what the server said and no stream is open.
  SseClient(std::uint16_t port, std::string const& target, Headers const& headers = {});
  // The same over TLS, verifying the server against `trust`.
  SseClient(std::uint16_t port, TlsTrust const& trust, std::string const& target, Headers const& headers = {});
  ~SseClient();

  int status() const;
  std::string const& body() const;  // the error body when status() != 200
  std::string header(std::string const& name) const;

  // The next event or comment; nullopt on timeout or when the server closed the stream.
  std::optional<SseEvent> next(std::chrono::milliseconds timeout = 5s);
  // The next real event, skipping comments.
  std::optional<SseEvent> next_event(std::chrono::milliseconds timeout = 5s);
  // True once the server has closed the stream (reads and discards until then).
  bool wait_closed(std::chrono::milliseconds timeout = 5s);
  bool closed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  void open(std::uint16_t port, std::string const& target, Headers const& headers);
};

class WsClient {
 public:
  // Performs the upgrade; throws std::runtime_error (with the HTTP answer) when refused.
  WsClient(std::uint16_t port, std::string const& target, Headers const& headers = {});
  // The same over TLS (wss), verifying the server against `trust`.
  WsClient(std::uint16_t port, TlsTrust const& trust, std::string const& target, Headers const& headers = {});
  ~WsClient();

  // What a refused upgrade answered (status, body), for the 401 cases.
  static HttpResponse refused_upgrade(std::uint16_t port, std::string const& target, Headers const& headers = {});

  void send(std::string const& text);
  // Sends one binary message (the server refuses those with an error message).
  void send_binary(std::string const& bytes);
  // The next message as JSON; nullopt on timeout or close.
  std::optional<boost::json::value> receive(std::chrono::milliseconds timeout = 5s);
  // Reads until the server closes; its close code (0 when it dropped the connection without one).
  std::optional<int> wait_close(std::chrono::milliseconds timeout = 5s);
  std::string close_reason() const;
  bool closed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  void open(std::uint16_t port, std::string const& target, Headers const& headers);
};

}  // namespace gatehouse::testing
