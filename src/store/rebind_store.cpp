#include "gatehouse/store/rebind_store.hpp"

#include "gatehouse/store/principal_store.hpp"
#include "gatehouse/store/session_store.hpp"

namespace gatehouse::store {

namespace {

// Every owner-bearing table except secrets (which need conflict resolution, below). A new
// table with an owner_id column is added here, and the rebind tests list every such table.
constexpr char const* plain_owner_tables[] = {"research"};

std::int64_t move_plain_rows(Tx& tx, std::string const& from, std::string const& to) {
  std::int64_t moved = 0;
  for (char const* table : plain_owner_tables) {
    tx.query(std::string("UPDATE ") + table + " SET owner_id = ?2 WHERE owner_id = ?1").bind_all(from, to).run();
    moved += tx.changes();
  }
  return moved;
}

// Secret names are unique per owner. Where both the device and the user hold a secret of the
// same name, the more recently written value wins (the device's on a tie: it is the newer
// sign-in), and the other row is deleted.
std::int64_t move_secrets(Tx& tx, std::string const& from, std::string const& to) {
  tx.query(
        "DELETE FROM secrets WHERE owner_id = ?2 AND EXISTS ("
        "  SELECT 1 FROM secrets a WHERE a.owner_id = ?1 AND a.name = secrets.name"
        "  AND a.updated_at >= secrets.updated_at)")
      .bind_all(from, to)
      .run();
  tx.query(
        "DELETE FROM secrets WHERE owner_id = ?1 AND EXISTS ("
        "  SELECT 1 FROM secrets u WHERE u.owner_id = ?2 AND u.name = secrets.name)")
      .bind_all(from, to)
      .run();
  tx.query("UPDATE secrets SET owner_id = ?2 WHERE owner_id = ?1").bind_all(from, to).run();
  return tx.changes();
}

}  // namespace

RebindResult rebind_device(Tx& tx, std::string const& device_id, std::string const& user_principal_id,
                           UnixSeconds now) {
  RebindResult result;
  // Two rebinds of one device at once (on two nodes, PostgreSQL) meet here: the second waits for
  // the first to commit, then finds the device bound. SQLite's write lock already serialises them.
  std::optional<std::string> anonymous_id;
  {
    auto q = tx.query("SELECT id FROM principals WHERE device_id = ?1",
                      "SELECT id FROM principals WHERE device_id = ?1 FOR UPDATE");
    q.bind(1, device_id);
    if (q.next()) anonymous_id = q.text(0);
  }
  if (!anonymous_id) return result;
  std::string const& anonymous = *anonymous_id;

  std::optional<std::string> bound_to;
  {
    auto q = tx.query("SELECT user_principal_id FROM device_bindings WHERE device_id = ?1");
    q.bind(1, device_id);
    if (q.next()) bound_to = q.text(0);
  }
  if (bound_to && *bound_to != user_principal_id) {
    result.outcome = RebindOutcome::bound_to_other_user;
    return result;
  }

  result.moved = move_plain_rows(tx, anonymous, user_principal_id) + move_secrets(tx, anonymous, user_principal_id);
  if (!bound_to) {
    tx.query(
          "INSERT INTO device_bindings (device_id, user_principal_id, first_rebound_at, last_rebound_at) "
          "VALUES (?1, ?2, ?3, ?3)")
        .bind_all(device_id, user_principal_id, now)
        .run();
    result.outcome = RebindOutcome::rebound;
  } else if (result.moved > 0) {
    tx.query("UPDATE device_bindings SET last_rebound_at = ?2 WHERE device_id = ?1").bind_all(device_id, now).run();
    result.outcome = RebindOutcome::rebound;
  } else {
    result.outcome = RebindOutcome::nothing_new;
  }
  // The device now belongs to the user: its anonymous sessions (and their streams) end.
  result.revoked_session_ids = live_session_ids(tx, anonymous, now);
  revoke_sessions(tx, result.revoked_session_ids, now);
  return result;
}

}  // namespace gatehouse::store
