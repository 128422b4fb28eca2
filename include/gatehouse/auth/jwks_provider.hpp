#pragma once
// Keeps the current JWKS: loaded at start from --jwks-url (https, http or file), retried with
// backoff until it loads, refreshed periodically, and refetched when a token names an unknown
// kid — at most once per min_refetch_interval, with concurrent requests sharing one fetch, so
// a flood of made-up kids cannot hammer the JWKS host.
#include "gatehouse/auth/jwks.hpp"
#include "gatehouse/client/url.hpp"
#include "gatehouse/util/clock.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace gatehouse::auth {

struct JwksProviderOptions {
  client::Url url;
  std::chrono::seconds refresh_interval{300};
  std::chrono::seconds min_refetch_interval{10};
  std::chrono::seconds max_backoff{60};
  std::chrono::milliseconds fetch_timeout{10000};
};

struct JwksStatus {
  bool loaded = false;
  std::size_t keys = 0;
  UnixSeconds last_success = 0;   // 0 = never
  UnixSeconds last_attempt = 0;
  std::string last_error;         // empty after a success
  std::uint64_t fetches = 0;
  std::uint64_t failures = 0;     // fetches that kept the previous keys (or none)
};

class JwksProvider {
 public:
  // network: where fetch I/O runs. blocking: where file:// reads run (never a network thread).
  JwksProvider(boost::asio::any_io_executor network, boost::asio::any_io_executor blocking,
               JwksProviderOptions options);
  ~JwksProvider();

  void start();  // spawns the load/refresh loop
  void stop();   // ends the loop and wakes waiters

  // The last good key set; nullptr until one has loaded.
  std::shared_ptr<Jwks const> current() const;

  // Called on an unknown kid. Returns true when a fetch completed (possibly one already under
  // way) so the caller should look again; false when rate-limited or the fetch failed.
  boost::asio::awaitable<bool> refetch_for_unknown_kid();

  JwksStatus status() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace gatehouse::auth
