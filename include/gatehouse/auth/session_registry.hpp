#pragma once
// The in-memory mirror of the sessions table: what makes a session check an O(1) lookup with no
// database access. It is changed only from post-commit hooks (and from start-up loading), so it
// agrees with the database; expiry extensions by streams are the one exception, written
// through to the database asynchronously.
#include "gatehouse/crypto/sha256.hpp"
#include "gatehouse/store/records.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace gatehouse::auth {

struct Session {
  std::string id;
  crypto::Sha256Digest token_hash{};
  std::string principal_id;
  store::PrincipalKind kind = store::PrincipalKind::anonymous;
  UnixSeconds created_at = 0;
  std::optional<std::string> user_agent;
  std::optional<std::string> family_id;  // the refresh family it was minted in, if any
  std::atomic<UnixSeconds> expires_at{0};
  std::atomic<bool> revoked{false};
  // When the token last authenticated a request, to the second; memory only (0: not since start).
  std::atomic<UnixSeconds> last_seen{0};

  bool live(UnixSeconds now) const { return !revoked.load() && now < expires_at.load(); }
};

using SessionPtr = std::shared_ptr<Session>;

using crypto::DigestHash;

class SessionRegistry {
 public:
  // Idempotent: a session already known keeps its entry (a later expiry and a revocation in
  // the record still apply), so the same change may arrive twice (from another node, say).
  void add(store::SessionRecord const& record);

  SessionPtr find_by_token_hash(crypto::Sha256Digest const& hash) const;
  SessionPtr find_by_id(std::string const& id) const;
  std::vector<SessionPtr> of_principal(std::string const& principal_id) const;

  // Marks sessions revoked; returns those that were not revoked before (whose streams the
  // caller closes).
  std::vector<SessionPtr> revoke(std::vector<std::string> const& ids);
  // Forgets purged sessions entirely.
  void erase(std::vector<std::string> const& ids);
  // Moves a known session's expiry to at least expires_at (another node's stream kept it alive).
  void extend(std::string const& id, UnixSeconds expires_at);

  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<crypto::Sha256Digest, SessionPtr, DigestHash> by_hash_;
  std::unordered_map<std::string, SessionPtr> by_id_;
  std::unordered_multimap<std::string, SessionPtr> by_principal_;
};

}  // namespace gatehouse::auth
