#pragma once
// The API key lifecycle: creation (the plaintext leaves once, in the answer; the store keeps its
// SHA-256) and revocation, each stating its change so the key registry and the key's streams
// follow the commit.
#include "gatehouse/auth/api_key_registry.hpp"
#include "gatehouse/auth/scopes.hpp"
#include "gatehouse/domain/change_applier.hpp"
#include "gatehouse/store/db_executor.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::domain {

struct ApiKeyOptions {
  std::string prefix = "gk_";
  std::size_t max_active_per_user = 100;
};

struct MintedApiKey {
  std::string text;  // shown to the user once
  store::ApiKeyRecord record;
};

class ApiKeys {
 public:
  ApiKeys(store::DbExecutor& db, ChangeApplier& changes, auth::ApiKeyRegistry& registry, ApiKeyOptions options)
      : db_(db), changes_(changes), registry_(registry), options_(std::move(options)) {}

  // Throws Failure(invalid_body) when the user already holds the maximum of active keys.
  boost::asio::awaitable<MintedApiKey> create(std::string const& user_id, std::string const& name, auth::Scopes scopes,
                                              std::optional<std::int64_t> lifetime, UnixSeconds now);
  // The user's keys, oldest first (from memory).
  std::vector<auth::ApiKeyPtr> of_user(std::string const& user_id) const { return registry_.of_user(user_id); }
  // Revoking a revoked key again succeeds. Throws Failure(api_key_not_found) for a key that is
  // not the user's.
  boost::asio::awaitable<void> revoke(std::string const& user_id, std::string const& key_id);

  // Several nodes: brings a key created elsewhere into memory; false when there is none.
  boost::asio::awaitable<bool> load(crypto::Sha256Digest const& key_hash);

 private:
  store::DbExecutor& db_;
  ChangeApplier& changes_;
  auth::ApiKeyRegistry& registry_;
  ApiKeyOptions options_;
};

}  // namespace gatehouse::domain
