#include "gatehouse/store/api_key_store.hpp"

#include <cstring>

namespace gatehouse::store {

void insert_api_key(Tx& tx, ApiKeyRecord const& k) {
  tx.query(
        "INSERT INTO api_keys (id, user_id, name, scopes, key_hash, tail, active, created_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)")
      .bind(1, k.id)
      .bind(2, k.user_id)
      .bind(3, k.name)
      .bind(4, static_cast<std::int64_t>(k.scopes))
      .bind_blob(5, std::span<unsigned char const>(k.key_hash))
      .bind(6, k.tail)
      .bind(7, k.created_at)
      .bind(8, k.expires_at)
      .run();
}

namespace {

std::vector<ApiKeyRecord> read_keys(Query& q) {
  std::vector<ApiKeyRecord> out;
  while (q.next()) {
    ApiKeyRecord k;
    k.id = q.text(0);
    k.user_id = q.text(1);
    k.name = q.text(2);
    k.scopes = static_cast<std::uint32_t>(q.int64(3));
    std::string const hash = q.blob(4);
    if (hash.size() != k.key_hash.size()) continue;  // unreachable: the schema's CHECK
    std::memcpy(k.key_hash.data(), hash.data(), hash.size());
    k.tail = q.text(5);
    k.active = q.int64(6) != 0;
    k.created_at = q.int64(7);
    k.expires_at = q.opt_int64(8);
    k.last_used_at = q.opt_int64(9);
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace

std::vector<ApiKeyRecord> load_api_keys(Tx& tx) {
  auto q = tx.query(
      "SELECT id, user_id, name, scopes, key_hash, tail, active, created_at, expires_at, last_used_at "
      "FROM api_keys ORDER BY created_at, rowid",
      "SELECT id, user_id, name, scopes, key_hash, tail, active, created_at, expires_at, last_used_at "
      "FROM api_keys ORDER BY created_at, ord");
  return read_keys(q);
}

std::optional<ApiKeyRecord> find_api_key_by_hash(Tx& tx, crypto::Sha256Digest const& hash) {
  auto q = tx.query(
      "SELECT id, user_id, name, scopes, key_hash, tail, active, created_at, expires_at, last_used_at "
      "FROM api_keys WHERE key_hash = ?1");
  q.bind_blob(1, std::span<unsigned char const>(hash));
  auto rows = read_keys(q);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

bool deactivate_api_key(Tx& tx, std::string const& id, std::string const& user_id, UnixSeconds now) {
  tx.query("UPDATE api_keys SET active = 0, revoked_at = ?3 WHERE id = ?1 AND user_id = ?2 AND active = 1")
      .bind_all(id, user_id, now)
      .run();
  return tx.changes() > 0;
}

void record_api_key_use(Tx& tx, std::unordered_map<std::string, UnixSeconds> const& last_used) {
  for (auto const& [id, when] : last_used) {
    tx.query(
          "UPDATE api_keys SET last_used_at = CASE WHEN coalesce(last_used_at, 0) > ?2 THEN last_used_at ELSE ?2 END "
          "WHERE id = ?1")
        .bind_all(id, when)
        .run();
  }
}

}  // namespace gatehouse::store
