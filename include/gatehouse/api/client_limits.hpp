#pragma once
// The per-client rate limits the routes apply: session creation (anonymous, JWT exchange,
// rebind: each costs a database write, a JWT exchange also an RSA verification), and refused
// credentials (a client that keeps guessing is slowed down before any lookup). Over a limit:
// Failure(too_many_requests) carrying the seconds to wait.
#include "gatehouse/api/client_address.hpp"
#include "gatehouse/api/rate_limiter.hpp"
#include "gatehouse/config.hpp"
#include "gatehouse/errors.hpp"

namespace gatehouse::api {

class ClientLimits {
 public:
  explicit ClientLimits(Config const& config);

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

// Authenticates with `authenticate` (a callable returning the credential) under the client's
// failure budget.
template <typename F>
auto within_failure_budget(ClientLimits& limits, Request const& req, F&& authenticate) {
  std::string const client = limits.client(req);
  limits.check_failures(client);
  try {
    return authenticate();
  } catch (Failure const& f) {
    limits.note_failure(client, f);
    throw;
  }
}

}  // namespace gatehouse::api
