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
  auto anonymous = find_anonymous_principal(tx, device_id);
  if (!anonymous) return result;

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

  result.moved = move_plain_rows(tx, anonymous->id, user_principal_id) + move_secrets(tx, anonymous->id, user_principal_id);
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
  result.revoked_session_ids = live_session_ids(tx, anonymous->id, now);
  revoke_sessions(tx, result.revoked_session_ids, now);
  return result;
}

}  // namespace gatehouse::store
