#include "gatehouse/store/session_store.hpp"

#include <cstring>

namespace gatehouse::store {

void insert_session(Tx& tx, SessionRecord const& s) {
  tx.query(
        "INSERT INTO sessions (id, token_hash, principal_id, created_at, expires_at, user_agent, revoked_at, family_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, s.id)
      .bind_blob(2, std::span<unsigned char const>(s.token_hash))
      .bind(3, s.principal_id)
      .bind(4, s.created_at)
      .bind(5, s.expires_at)
      .bind(6, s.user_agent)
      .bind(7, s.revoked_at)
      .bind(8, s.family_id)
      .run();
}

namespace {

// The columns both session queries select in this order from column `first` on:
// s.principal_id, p.kind, s.created_at, s.expires_at, s.revoked_at, s.user_agent, s.family_id.
void read_session_fields(Query& q, int first, SessionRecord& s) {
  s.principal_id = q.text(first);
  s.kind = q.text(first + 1) == "user" ? PrincipalKind::user : PrincipalKind::anonymous;
  s.created_at = q.int64(first + 2);
  s.expires_at = q.int64(first + 3);
  s.revoked_at = q.opt_int64(first + 4);
  s.user_agent = q.opt_text(first + 5);
  s.family_id = q.opt_text(first + 6);
}

// Rows of "SELECT s.id, s.token_hash, <read_session_fields' columns> ...".
std::vector<SessionRecord> read_full_sessions(Query& q) {
  std::vector<SessionRecord> out;
  while (q.next()) {
    SessionRecord s;
    s.id = q.text(0);
    std::string const hash = q.blob(1);
    if (hash.size() != s.token_hash.size()) continue;  // the schema's CHECK makes this unreachable
    std::memcpy(s.token_hash.data(), hash.data(), hash.size());
    read_session_fields(q, 2, s);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::vector<SessionRecord> load_sessions(Tx& tx) {
  auto q = tx.query(
      "SELECT s.id, s.token_hash, s.principal_id, p.kind, s.created_at, s.expires_at, s.revoked_at, s.user_agent, s.family_id "
      "FROM sessions s JOIN principals p ON p.id = s.principal_id");
  return read_full_sessions(q);
}

std::optional<SessionRecord> find_session_by_token_hash(Tx& tx, crypto::Sha256Digest const& hash) {
  auto q = tx.query(
      "SELECT s.id, s.token_hash, s.principal_id, p.kind, s.created_at, s.expires_at, s.revoked_at, s.user_agent, s.family_id "
      "FROM sessions s JOIN principals p ON p.id = s.principal_id WHERE s.token_hash = ?1");
  q.bind_blob(1, std::span<unsigned char const>(hash));
  auto rows = read_full_sessions(q);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::size_t revoke_sessions(Tx& tx, std::vector<std::string> const& ids, UnixSeconds now) {
  std::size_t changed = 0;
  for (auto const& id : ids) {
    tx.query("UPDATE sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL").bind_all(id, now).run();
    changed += static_cast<std::size_t>(tx.changes());
  }
  return changed;
}

std::vector<std::string> live_session_ids(Tx& tx, std::string const& principal_id, UnixSeconds now) {
  auto q = tx.query(
      "SELECT id FROM sessions WHERE principal_id = ?1 AND revoked_at IS NULL AND expires_at > ?2");
  q.bind_all(principal_id, now);
  std::vector<std::string> out;
  while (q.next()) out.push_back(q.text(0));
  return out;
}

std::vector<SessionRecord> list_sessions(Tx& tx, std::optional<std::string> const& principal_id, std::size_t limit) {
  auto q = tx.query(
      "SELECT s.id, s.principal_id, p.kind, s.created_at, s.expires_at, s.revoked_at, s.user_agent, s.family_id "
      "FROM sessions s JOIN principals p ON p.id = s.principal_id "
      "WHERE ?1 IS NULL OR s.principal_id = ?1 ORDER BY s.created_at DESC, s.id DESC LIMIT ?2");
  q.bind(1, principal_id);
  q.bind(2, static_cast<std::int64_t>(limit));
  std::vector<SessionRecord> out;
  while (q.next()) {
    SessionRecord s;
    s.id = q.text(0);
    read_session_fields(q, 1, s);
    out.push_back(std::move(s));
  }
  return out;
}

void extend_session(Tx& tx, std::string const& id, UnixSeconds expires_at) {
  tx.query(
        "UPDATE sessions SET expires_at = CASE WHEN expires_at > ?2 THEN expires_at ELSE ?2 END "
        "WHERE id = ?1 AND revoked_at IS NULL")
      .bind_all(id, expires_at)
      .run();
}

std::vector<std::string> purge_sessions(Tx& tx, UnixSeconds cutoff) {
  auto q = tx.query("DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at < ?1 RETURNING id");
  q.bind(1, cutoff);
  std::vector<std::string> out;
  while (q.next()) out.push_back(q.text(0));
  return out;
}

}  // namespace gatehouse::store
