#pragma once
// Single-use, short-lived tickets that let a browser open a stream without putting its session
// token in a URL. Held in memory only: a ticket outlives neither 30 seconds nor a restart.
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/util/clock.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace gatehouse::auth {

class StreamTickets {
 public:
  static constexpr UnixSeconds ttl = 30;
  static constexpr std::size_t max_outstanding = 100000;  // bounds memory against ticket floods

  // Returns the ticket text, bound to a credential: a session id, or an API key id.
  std::string issue(std::string const& credential_id, UnixSeconds now);

  // The credential id the ticket was issued for, once; nullopt when unknown, used or expired.
  std::optional<std::string> redeem(std::string_view ticket, UnixSeconds now);

  // A ticket this node took from the shared table (several nodes), to be redeemed next.
  void hold(crypto::Sha256Digest const& hash, std::string credential_id, UnixSeconds expires_at);

  void purge_expired(UnixSeconds now);

 private:
  struct Entry {
    std::string credential_id;
    UnixSeconds expires_at;
  };
  std::mutex mutex_;
  std::unordered_map<crypto::Sha256Digest, Entry, DigestHash> tickets_;
};

}  // namespace gatehouse::auth
