// Schema migrations applied to a database written by an earlier version keep its rows.
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/migrations.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::testing {
namespace {

std::vector<store::Migration> migrations_up_to(int version) {
  std::vector<store::Migration> out;
  for (auto const& m : store::embedded_migrations(store::Engine::sqlite)) {
    if (m.version <= version) out.push_back(m);
  }
  return out;
}

std::int64_t count(store::Database& db, std::string const& sql) {
  auto q = db.query(sql);
  return q.next() ? q.int64(0) : -1;
}

TEST(Migrations, SessionsKeepTheirRowsWhenTheUnreadTokenHashIndexIsDropped) {
  TempDir dir;
  auto const owned = store::open_database(dir.path() / "gatehouse.db", store::DatabaseOptions{});
  store::Database& db = *owned;
  ASSERT_EQ(store::apply_migrations(db, migrations_up_to(3)), 3);
  db.exec("INSERT INTO principals (id, kind, device_id, created_at, updated_at) VALUES ('p_1', 'anonymous', 'd1', 1, 1)");
  db.exec("INSERT INTO sessions (id, token_hash, principal_id, created_at, expires_at, revoked_at, user_agent) "
          "VALUES ('s_1', zeroblob(32), 'p_1', 10, 1810, NULL, 'curl'), "
          "       ('s_2', randomblob(32), 'p_1', 11, 1811, 20, NULL)");
  ASSERT_EQ(count(db, "SELECT count(*) FROM pragma_index_list('sessions') WHERE \"unique\" AND origin = 'u'"), 1);

  EXPECT_GE(store::apply_migrations(db), 4);

  EXPECT_EQ(count(db, "SELECT count(*) FROM sessions"), 2);
  EXPECT_EQ(count(db, "SELECT count(*) FROM sessions WHERE id = 's_1' AND principal_id = 'p_1' AND created_at = 10 "
                      "AND expires_at = 1810 AND revoked_at IS NULL AND user_agent = 'curl' AND token_hash = zeroblob(32)"),
            1);
  EXPECT_EQ(count(db, "SELECT revoked_at FROM sessions WHERE id = 's_2'"), 20);
  // No index on token_hash any more; the two that are read remain.
  EXPECT_EQ(count(db, "SELECT count(*) FROM pragma_index_list('sessions') WHERE origin = 'u'"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM pragma_index_list('sessions') WHERE name IN "
                      "('sessions_by_principal', 'sessions_by_expiry')"),
            2);
  EXPECT_EQ(count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
  // The length check survived the rebuild.
  EXPECT_THROW(db.exec("INSERT INTO sessions (id, token_hash, principal_id, created_at, expires_at) "
                       "VALUES ('s_3', zeroblob(31), 'p_1', 1, 2)"),
               store::DbError);
}

}  // namespace
}  // namespace gatehouse::testing
