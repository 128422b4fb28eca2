#pragma once
#include "gatehouse/store/records.hpp"
#include "gatehouse/store/transaction.hpp"

#include <unordered_map>
#include <vector>

namespace gatehouse::store {

struct ApiKeyRecord {
  std::string id;
  std::string user_id;
  std::string name;
  std::uint32_t scopes = 0;  // auth::Scopes bits
  crypto::Sha256Digest key_hash{};
  std::string tail;
  bool active = true;
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> expires_at;
  std::optional<UnixSeconds> last_used_at;
};

void insert_api_key(Tx& tx, ApiKeyRecord const& key);

// Every key (active or not): the in-memory key registry is rebuilt from this at start.
std::vector<ApiKeyRecord> load_api_keys(Tx& tx);
// One key by the hash of its text (active or not).
std::optional<ApiKeyRecord> find_api_key_by_hash(Tx& tx, crypto::Sha256Digest const& hash);

// Deactivates the user's key; false when it is not theirs or already inactive.
bool deactivate_api_key(Tx& tx, std::string const& id, std::string const& user_id, UnixSeconds now);

// Records last use times (never moving one backwards).
void record_api_key_use(Tx& tx, std::unordered_map<std::string, UnixSeconds> const& last_used);

}  // namespace gatehouse::store
