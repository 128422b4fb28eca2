#include "gatehouse/store/refresh_store.hpp"

#include <algorithm>
#include <cstring>

namespace gatehouse::store {

namespace {

std::span<unsigned char const> bytes(crypto::Sha256Digest const& d) { return std::span<unsigned char const>(d); }

std::optional<crypto::Sha256Digest> digest_of(std::string const& blob) {
  if (blob.size() != crypto::Sha256Digest{}.size()) return std::nullopt;
  crypto::Sha256Digest d{};
  std::memcpy(d.data(), blob.data(), d.size());
  return d;
}

std::optional<RefreshTokenRecord> find_token(Tx& tx, crypto::Sha256Digest const& hash) {
  auto q = tx.query(
      "SELECT family_id, session_id, issued_at, consumed_at, superseded_at, successor_hash "
      "FROM refresh_tokens WHERE token_hash = ?1");
  q.bind_blob(1, bytes(hash));
  if (!q.next()) return std::nullopt;
  RefreshTokenRecord t;
  t.token_hash = hash;
  t.family_id = q.text(0);
  t.session_id = q.text(1);
  t.issued_at = q.int64(2);
  t.consumed_at = q.opt_int64(3);
  t.superseded_at = q.opt_int64(4);
  if (!q.is_null(5)) t.successor_hash = digest_of(q.blob(5));
  return t;
}

std::optional<RefreshFamilyRecord> lock_family(Tx& tx, std::string const& id) {
  auto q = tx.query(
      "SELECT id, principal_id, origin, created_at, expires_at, revoked_at FROM refresh_families WHERE id = ?1",
      "SELECT id, principal_id, origin, created_at, expires_at, revoked_at FROM refresh_families WHERE id = ?1 "
      "FOR UPDATE");
  q.bind(1, id);
  if (!q.next()) return std::nullopt;
  RefreshFamilyRecord f;
  f.id = q.text(0);
  f.principal_id = q.text(1);
  f.origin = q.text(2);
  f.created_at = q.int64(3);
  f.expires_at = q.int64(4);
  f.revoked_at = q.opt_int64(5);
  return f;
}

std::vector<std::string> column(Query& q) {
  std::vector<std::string> out;
  while (q.next()) out.push_back(q.text(0));
  return out;
}

}  // namespace

void insert_refresh_family(Tx& tx, RefreshFamilyRecord const& f) {
  tx.query(
        "INSERT INTO refresh_families (id, principal_id, origin, created_at, expires_at, revoked_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
      .bind_all(f.id, f.principal_id, f.origin, f.created_at, f.expires_at, f.revoked_at)
      .run();
}

void insert_refresh_token(Tx& tx, RefreshTokenRecord const& t) {
  auto q = tx.query(
      "INSERT INTO refresh_tokens (token_hash, family_id, session_id, issued_at, consumed_at, superseded_at, "
      "successor_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  q.bind_blob(1, bytes(t.token_hash)).bind(2, t.family_id).bind(3, t.session_id).bind(4, t.issued_at);
  q.bind(5, t.consumed_at).bind(6, t.superseded_at);
  if (t.successor_hash) {
    q.bind_blob(7, bytes(*t.successor_hash));
  } else {
    q.bind(7, std::optional<std::string>{});
  }
  q.run();
}

RefreshJudgement judge_refresh(Tx& tx, crypto::Sha256Digest const& presented, UnixSeconds now) {
  RefreshJudgement j;
  auto const first_look = find_token(tx, presented);
  if (!first_look) return j;
  j.family = lock_family(tx, first_look->family_id);
  // Read again under the lock: a refresh of this family that committed while we waited changed it.
  j.presented = find_token(tx, presented);
  if (!j.family || !j.presented || j.family->revoked_at) {
    j.verdict = RefreshVerdict::unknown;
    return j;
  }
  if (now >= j.family->expires_at) {
    j.verdict = RefreshVerdict::expired;
    return j;
  }
  if (j.presented->superseded_at) {
    j.verdict = RefreshVerdict::reuse;
    return j;
  }
  if (!j.presented->consumed_at) {
    j.verdict = RefreshVerdict::rotate;
    return j;
  }
  if (j.presented->successor_hash) j.successor = find_token(tx, *j.presented->successor_hash);
  // A successor that was presented (or that is gone) means someone else holds this token's line.
  j.verdict = j.successor && !j.successor->consumed_at && !j.successor->superseded_at ? RefreshVerdict::retry
                                                                                      : RefreshVerdict::reuse;
  return j;
}

void record_successor(Tx& tx, crypto::Sha256Digest const& presented, crypto::Sha256Digest const& successor,
                      UnixSeconds now) {
  tx.query(
        "UPDATE refresh_tokens SET consumed_at = coalesce(consumed_at, ?2), successor_hash = ?3 WHERE token_hash = ?1")
      .bind_blob(1, bytes(presented))
      .bind(2, now)
      .bind_blob(3, bytes(successor))
      .run();
}

void supersede_refresh_token(Tx& tx, crypto::Sha256Digest const& token, UnixSeconds now) {
  tx.query("UPDATE refresh_tokens SET superseded_at = ?2 WHERE token_hash = ?1 AND superseded_at IS NULL")
      .bind_blob(1, bytes(token))
      .bind(2, now)
      .run();
}

std::vector<std::string> revoke_refresh_families(Tx& tx, std::vector<std::string> const& family_ids, UnixSeconds now) {
  std::vector<std::string> sessions;
  for (auto const& id : family_ids) {
    tx.query("UPDATE refresh_families SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL").bind_all(id, now).run();
    auto q = tx.query("SELECT id FROM sessions WHERE family_id = ?1 AND revoked_at IS NULL AND expires_at > ?2");
    q.bind_all(id, now);
    for (auto& s : column(q)) sessions.push_back(std::move(s));
  }
  return sessions;
}

std::vector<std::string> live_family_ids(Tx& tx, std::string const& principal_id, UnixSeconds now) {
  auto q = tx.query(
      "SELECT id FROM refresh_families WHERE principal_id = ?1 AND revoked_at IS NULL AND expires_at > ?2 ORDER BY id");
  q.bind_all(principal_id, now);
  return column(q);
}

std::vector<std::string> family_ids_of_sessions(Tx& tx, std::vector<std::string> const& session_ids) {
  std::vector<std::string> out;
  for (auto const& id : session_ids) {
    auto q = tx.query("SELECT family_id FROM sessions WHERE id = ?1 AND family_id IS NOT NULL");
    q.bind(1, id);
    if (q.next()) out.push_back(q.text(0));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::size_t purge_refresh_families(Tx& tx, UnixSeconds cutoff) {
  // Tokens first: SQLite's ON DELETE CASCADE needs foreign keys on, which is not the point here.
  tx.query(
        "DELETE FROM refresh_tokens WHERE family_id IN "
        "(SELECT id FROM refresh_families WHERE expires_at < ?1 OR revoked_at < ?1)")
      .bind(1, cutoff)
      .run();
  tx.query("DELETE FROM refresh_families WHERE expires_at < ?1 OR revoked_at < ?1").bind(1, cutoff).run();
  return static_cast<std::size_t>(tx.changes());
}

}  // namespace gatehouse::store
