#pragma once
// The per-client rate limits the routes apply: session creation (anonymous, JWT exchange,
// rebind: each costs a database write, a JWT exchange also an RSA verification), and refused
// credentials (a client that keeps guessing is slowed down before any lookup). Over a limit:
// Failure(too_many_requests) carrying the seconds to wait.
#include "gatehouse/api/client_address.hpp"
#include "gatehouse/api/rate_limiter.hpp"
#include "gatehouse/errors.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>

namespace gatehouse::api {

struct ClientLimitsOptions {
  std::string trusted_proxies;          // validated list; empty: X-Forwarded-For ignored
  RateLimit session_creation{10, 100};  // POST /auth/anonymous, /auth/session, /auth/rebind
  RateLimit failed_auth{10, 100};       // refused credentials
};

class ClientLimits {
 public:
  explicit ClientLimits(ClientLimitsOptions const& options);

  std::string client(Request const& req) const { return client_key(req, proxies_); }

  // Takes one session-creation token. Throws Failure(too_many_requests).
  void charge_session_creation(std::string const& client);
  // Throws Failure(too_many_requests) while the client's failure budget is spent.
  void check_failures(std::string const& client);
  // Spends one token of the failure budget when the failure is a refused credential.
  void note_failure(std::string const& client, Failure const& failure);

 private:
  TrustedProxies proxies_;
  RateLimiter sessions_;
  RateLimiter failures_;
};

// Runs `check` (of a presented credential) under the client's failure budget: refused at once
// while the budget is spent, and a refused credential spends from it.
template <typename F>
auto within_failure_budget(ClientLimits& limits, std::string const& client, F&& check) {
  limits.check_failures(client);
  try {
    return check();
  } catch (Failure const& f) {
    limits.note_failure(client, f);
    throw;
  }
}

// The same for a check that must wait (a JWT whose key may need fetching).
template <typename T>
boost::asio::awaitable<T> within_failure_budget(ClientLimits& limits, std::string client,
                                                boost::asio::awaitable<T> attempt) {
  limits.check_failures(client);
  std::optional<Failure> refused;
  try {
    co_return co_await std::move(attempt);
  } catch (Failure const& f) {
    refused = f;
  }
  limits.note_failure(client, *refused);
  throw *refused;
}

}  // namespace gatehouse::api
