#include "gatehouse/store/principal_store.hpp"

#include "gatehouse/crypto/random.hpp"

namespace gatehouse::store {

namespace {

constexpr std::string_view select_columns =
    "SELECT id, kind, clerk_user_id, device_id, email, name, plan, plan_status, current_period_end, created_at "
    "FROM principals ";

PrincipalRecord read_principal(Query const& q) {
  PrincipalRecord p;
  p.id = q.text(0);
  p.kind = q.text(1) == "user" ? PrincipalKind::user : PrincipalKind::anonymous;
  p.clerk_user_id = q.opt_text(2);
  p.device_id = q.opt_text(3);
  p.email = q.opt_text(4);
  p.name = q.opt_text(5);
  p.plan = q.text(6);
  p.plan_status = q.text(7);
  p.current_period_end = q.opt_int64(8);
  p.created_at = q.int64(9);
  return p;
}

std::optional<PrincipalRecord> find_where(Tx& tx, std::string_view where, std::string const& value) {
  auto q = tx.query(std::string(select_columns) + std::string(where));
  q.bind(1, value);
  if (!q.next()) return std::nullopt;
  return read_principal(q);
}

}  // namespace

PrincipalRecord upsert_user_principal(Tx& tx, std::string const& clerk_user_id,
                                      std::optional<std::string> const& email,
                                      std::optional<std::string> const& name, UnixSeconds now) {
  // Most exchanges are a known user with the claims it had: a read, no write, so no row lock
  // (with several nodes, group commits that lock the same principals in different orders
  // would deadlock).
  if (auto existing = find_where(tx, "WHERE clerk_user_id = ?1", clerk_user_id)) {
    bool const same = (!email || email == existing->email) && (!name || name == existing->name);
    if (same) return *existing;
  }
  // One statement, the row it wrote in return (on PostgreSQL every statement is a round trip).
  auto q = tx.query(
      "INSERT INTO principals (id, kind, clerk_user_id, email, name, created_at, updated_at) "
      "VALUES (?1, 'user', ?2, ?3, ?4, ?5, ?5) "
      "ON CONFLICT (clerk_user_id) DO UPDATE SET "
      "  email = coalesce(excluded.email, principals.email), "
      "  name = coalesce(excluded.name, principals.name), "
      "  updated_at = excluded.updated_at "
      "RETURNING id, kind, clerk_user_id, device_id, email, name, plan, plan_status, current_period_end, created_at");
  q.bind_all(crypto::time_ordered_id("p_"), clerk_user_id, email, name, now);
  if (!q.next()) throw DbError(false, "upsert of a user principal returned no row");
  PrincipalRecord p = read_principal(q);
  q.run();
  return p;
}

PrincipalRecord upsert_anonymous_principal(Tx& tx, std::string const& device_id, UnixSeconds now) {
  if (auto existing = find_anonymous_principal(tx, device_id)) return *existing;
  // Another node may insert the same device at the same moment: one row wins, both read it.
  {
    auto q = tx.query(
        "INSERT INTO principals (id, kind, device_id, created_at, updated_at) "
        "VALUES (?1, 'anonymous', ?2, ?3, ?3) ON CONFLICT (device_id) DO NOTHING "
        "RETURNING id, kind, clerk_user_id, device_id, email, name, plan, plan_status, current_period_end, created_at");
    q.bind_all(crypto::time_ordered_id("p_"), device_id, now);
    if (q.next()) {
      PrincipalRecord p = read_principal(q);
      q.run();
      return p;
    }
  }
  return *find_anonymous_principal(tx, device_id);
}

std::optional<PrincipalRecord> find_principal(Tx& tx, std::string const& id) {
  return find_where(tx, "WHERE id = ?1", id);
}

std::optional<PrincipalRecord> find_anonymous_principal(Tx& tx, std::string const& device_id) {
  return find_where(tx, "WHERE device_id = ?1", device_id);
}

std::vector<PrincipalRecord> list_principals(Tx& tx, std::optional<PrincipalKind> kind, std::size_t limit) {
  // ?1 NULL matches every kind: one statement (cached once) for both listings.
  auto q = tx.query(std::string(select_columns) +
                    "WHERE ?1 IS NULL OR kind = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2");
  q.bind(1, kind ? std::optional<std::string>(std::string(to_string(*kind))) : std::nullopt);
  q.bind(2, static_cast<std::int64_t>(limit));
  std::vector<PrincipalRecord> out;
  while (q.next()) out.push_back(read_principal(q));
  return out;
}

std::optional<PrincipalRecord> set_plan(Tx& tx, std::string const& principal_id, PlanChange const& change,
                                        UnixSeconds now) {
  tx.query(
        "UPDATE principals SET plan = ?2, plan_status = ?3, current_period_end = ?4, updated_at = ?5 WHERE id = ?1")
      .bind_all(principal_id, change.plan, change.status, change.current_period_end, now)
      .run();
  if (tx.changes() == 0) return std::nullopt;
  return find_principal(tx, principal_id);
}

}  // namespace gatehouse::store
