#include "gatehouse/store/secret_store.hpp"

#include "gatehouse/crypto/random.hpp"

namespace gatehouse::store {

void put_secret(Tx& tx, std::string const& owner_id, std::string const& name, Sealer const& seal, UnixSeconds now) {
  std::optional<std::string> existing;
  {
    auto q = tx.query("SELECT id FROM secrets WHERE owner_id = ?1 AND name = ?2");
    q.bind_all(owner_id, name);
    if (q.next()) existing = q.text(0);
  }
  if (existing) {
    tx.query("UPDATE secrets SET ciphertext = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(1, *existing)
        .bind_blob(2, seal(*existing))
        .bind(3, now)
        .run();
    return;
  }
  std::string const id = crypto::random_id("sec_");
  tx.query("INSERT INTO secrets (id, owner_id, name, ciphertext, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)")
      .bind(1, id)
      .bind(2, owner_id)
      .bind(3, name)
      .bind_blob(4, seal(id))
      .bind(5, now)
      .run();
}

bool delete_secret(Tx& tx, std::string const& owner_id, std::string const& name) {
  tx.query("DELETE FROM secrets WHERE owner_id = ?1 AND name = ?2").bind_all(owner_id, name).run();
  return tx.changes() > 0;
}

std::vector<SecretStatus> list_secrets(Tx& tx, std::string const& owner_id) {
  auto q = tx.query("SELECT name, updated_at FROM secrets WHERE owner_id = ?1 ORDER BY name");
  q.bind(1, owner_id);
  std::vector<SecretStatus> out;
  while (q.next()) out.push_back(SecretStatus{q.text(0), q.int64(1)});
  return out;
}

}  // namespace gatehouse::store
