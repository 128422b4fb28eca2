#pragma once
// The in-memory mirror of the api_keys table: a key check is one lookup of its SHA-256, with
// no database access. Changed only from post-commit hooks (and start-up loading), so it agrees
// with the database; last_used_at is the one exception (see ApiKeyUsage).
#include "gatehouse/auth/scopes.hpp"
#include "gatehouse/auth/session_registry.hpp"  // DigestHash
#include "gatehouse/store/api_key_store.hpp"

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

namespace gatehouse::auth {

struct ApiKey {
  std::string id;
  std::string user_id;
  std::string name;
  Scopes scopes;
  crypto::Sha256Digest hash{};
  std::string tail;
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> expires_at;
  std::atomic<bool> active{true};
  std::atomic<UnixSeconds> last_used_at{0};  // 0: never

  bool expired(UnixSeconds now) const { return expires_at && now >= *expires_at; }
  bool usable(UnixSeconds now) const { return active.load() && !expired(now); }
};

using ApiKeyPtr = std::shared_ptr<ApiKey>;

class ApiKeyRegistry {
 public:
  // Idempotent, like SessionRegistry::add.
  void add(store::ApiKeyRecord const& record);

  ApiKeyPtr find_by_hash(crypto::Sha256Digest const& hash) const;
  ApiKeyPtr find_by_id(std::string const& id) const;
  std::vector<ApiKeyPtr> of_user(std::string const& user_id) const;  // oldest first
  std::size_t active_count(std::string const& user_id, UnixSeconds now) const;

  // Marks the key inactive; returns it when it was active until now (its streams are the
  // caller's to close), else null.
  ApiKeyPtr deactivate(std::string const& id);

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<crypto::Sha256Digest, ApiKeyPtr, DigestHash> by_hash_;
  std::unordered_map<std::string, ApiKeyPtr> by_id_;
  std::unordered_multimap<std::string, ApiKeyPtr> by_user_;
};

}  // namespace gatehouse::auth
