#pragma once
// With several nodes, a credential minted on another node a moment ago may not be in this
// node's memory yet (its change is on the way). The Authenticator then says so with
// NotInMemory instead of refusing, and the dispatcher looks the credential up once (one read)
// before asking again. What that read did not find is remembered briefly here, so that a client
// repeating a made-up token costs no database round trip per request.
#include "gatehouse/auth/credentials.hpp"
#include "gatehouse/crypto/sha256.hpp"
#include "gatehouse/util/clock.hpp"

#include <exception>
#include <mutex>
#include <unordered_map>

namespace gatehouse::auth {

struct NotInMemory : std::exception {
  NotInMemory(CredentialKind k, crypto::Sha256Digest const& h) : kind(k), hash(h) {}
  char const* what() const noexcept override { return "credential not in memory"; }
  CredentialKind kind;
  crypto::Sha256Digest hash;
};

class CredentialMisses {
 public:
  static constexpr UnixSeconds remember_for = 2;
  static constexpr std::size_t max_entries = 100000;

  void note(crypto::Sha256Digest const& hash, UnixSeconds now);
  bool recently_missed(crypto::Sha256Digest const& hash, UnixSeconds now) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<crypto::Sha256Digest, UnixSeconds, crypto::DigestHash> missed_;
};

}  // namespace gatehouse::auth
