#pragma once
// Refresh families: one sign-in (a login, an OAuth grant, a CLI login) and every refresh token
// rotated from it (docs/api.md, Refresh tokens; RFC 9700 §4.14.2). Every way of signing in that
// hands out refresh tokens starts its family here, inside its own write, and POST /auth/refresh
// rotates here: the presented token is consumed and its successor issued with a new session;
// presenting the consumed token again before its successor has been used is a retry (the unused
// successor and its session are revoked, a fresh pair issued); anything else seen twice is reuse,
// which ends the family, every session minted in it and their streams.
#include "gatehouse/domain/sessions.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::domain {

struct RefreshOptions {
  UnixSeconds ttl = 30 * 86400;  // a family's absolute lifetime, from its sign-in
};

// A session token and the refresh token that renews it.
struct SignedIn {
  MintedSession session;
  std::string refresh_token;  // handed to the client once, never stored
  std::string family_id;
};

class RefreshFamilies {
 public:
  RefreshFamilies(store::DbExecutor& db, Sessions& sessions, RefreshOptions options)
      : db_(db), sessions_(sessions), options_(options) {}

  // Inside the sign-in's own write: a new family for the principal, its first session and token.
  // origin: "login", "oauth" or "cli".
  SignedIn start(store::Tx& tx, store::PrincipalRecord const& principal, std::string_view origin,
                 std::optional<std::string> const& user_agent, UnixSeconds now);

  // POST /auth/refresh. Throws Failure(invalid_token) with the contract's reason: unknown,
  // expired, or reuse detected (after the family's revocation has committed).
  boost::asio::awaitable<SignedIn> refresh(std::string_view presented, std::optional<std::string> user_agent);

  // Forgets families that expired or were revoked before cutoff, with their tokens; returns how many.
  boost::asio::awaitable<std::size_t> purge(UnixSeconds cutoff);

 private:
  SignedIn issue(store::Tx& tx, store::PrincipalRecord const& principal, std::string const& family_id,
                 std::optional<std::string> const& user_agent, UnixSeconds now);

  store::DbExecutor& db_;
  Sessions& sessions_;
  RefreshOptions options_;
};

}  // namespace gatehouse::domain
