// The repositories over the real schema: principals, sessions, research and its events, secrets.
#include "gatehouse/crypto/sha256.hpp"
#include "gatehouse/store/principal_store.hpp"
#include "gatehouse/store/research_store.hpp"
#include "gatehouse/store/secret_store.hpp"
#include "gatehouse/store/session_store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using namespace gatehouse::store;
using gatehouse::testing::StoreFixtureDb;

class Store : public gatehouse::testing::EngineTest {
 protected:
  std::string anonymous(std::string const& device) {
    return db().in_write([&](Tx& tx) { return upsert_anonymous_principal(tx, device, 100).id; });
  }

  SessionRecord session(std::string const& id, std::string const& principal_id, std::int64_t expires_at,
                        std::optional<std::int64_t> revoked_at = std::nullopt) {
    SessionRecord s;
    s.id = id;
    s.token_hash = gatehouse::crypto::sha256("token of " + id);
    s.principal_id = principal_id;
    s.created_at = 10;
    s.expires_at = expires_at;
    s.revoked_at = revoked_at;
    s.user_agent = "agent of " + id;
    db().in_write([&](Tx& tx) { insert_session(tx, s); });
    return s;
  }

  std::vector<std::string> session_ids() {
    auto all = db().in_read([](Tx& tx) { return load_sessions(tx); });
    std::vector<std::string> ids;
    for (auto const& s : all) ids.push_back(s.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::variant<EventRecord, AppendRefusal> append(std::string const& research_id, std::string const& owner,
                                                  std::string const& event, std::string const& data = "{}") {
    return db().in_write([&](Tx& tx) { return append_event(tx, research_id, owner, event, data, 200); });
  }

};

// ---- Principals ---------------------------------------------------------------------------

TEST_P(Store, AUserPrincipalIsCreatedOncePerClerkUserId) {
  auto first = db().in_write([](Tx& tx) { return upsert_user_principal(tx, "user_1", "a@example.com", "Ann", 100); });
  auto second = db().in_write([](Tx& tx) { return upsert_user_principal(tx, "user_1", std::nullopt, std::nullopt, 200); });
  auto other = db().in_write([](Tx& tx) { return upsert_user_principal(tx, "user_2", std::nullopt, std::nullopt, 200); });
  EXPECT_EQ(first.id, second.id);
  EXPECT_NE(first.id, other.id);
  EXPECT_EQ(first.kind, PrincipalKind::user);
  EXPECT_EQ(first.clerk_user_id, "user_1");
  EXPECT_EQ(first.device_id, std::nullopt);
  EXPECT_EQ(first.created_at, 100);
  EXPECT_EQ(second.created_at, 100);
  EXPECT_EQ(db().scalar("SELECT count(*) FROM principals WHERE clerk_user_id = 'user_1'"), 1);
}

TEST_P(Store, UserEmailAndNameAreUpdatedOnlyWhenPresent) {
  db().in_write([](Tx& tx) { return upsert_user_principal(tx, "user_1", "old@example.com", "Old", 100); });
  auto kept = db().in_write([](Tx& tx) { return upsert_user_principal(tx, "user_1", std::nullopt, std::nullopt, 150); });
  EXPECT_EQ(kept.email, "old@example.com");
  EXPECT_EQ(kept.name, "Old");
  auto updated = db().in_write([](Tx& tx) { return upsert_user_principal(tx, "user_1", "new@example.com", std::nullopt, 200); });
  EXPECT_EQ(updated.email, "new@example.com");
  EXPECT_EQ(updated.name, "Old");
  auto found = db().in_read([&](Tx& tx) { return find_principal(tx, updated.id); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->email, "new@example.com");
  EXPECT_EQ(found->name, "Old");
}

TEST_P(Store, OneAnonymousPrincipalPerDevice) {
  auto a1 = db().in_write([](Tx& tx) { return upsert_anonymous_principal(tx, "dev-a", 100); });
  auto a2 = db().in_write([](Tx& tx) { return upsert_anonymous_principal(tx, "dev-a", 200); });
  auto b = db().in_write([](Tx& tx) { return upsert_anonymous_principal(tx, "dev-b", 200); });
  EXPECT_EQ(a1.id, a2.id);
  EXPECT_NE(a1.id, b.id);
  EXPECT_EQ(a1.kind, PrincipalKind::anonymous);
  EXPECT_EQ(a1.device_id, "dev-a");
  EXPECT_EQ(a1.clerk_user_id, std::nullopt);
  EXPECT_EQ(a2.created_at, 100);
  EXPECT_EQ(db().scalar("SELECT count(*) FROM principals WHERE device_id = 'dev-a'"), 1);
}

TEST_P(Store, FindPrincipalOfAnUnknownIdIsEmpty) {
  EXPECT_FALSE(db().in_read([](Tx& tx) { return find_principal(tx, "p_missing"); }));
  EXPECT_FALSE(db().in_read([](Tx& tx) { return find_anonymous_principal(tx, "dev-missing"); }));
}

// ---- Sessions -----------------------------------------------------------------------------

TEST_P(Store, InsertedSessionsLoadWithTheirPrincipalsKind) {
  std::string const anon = anonymous("dev-a");
  std::string const user = db().in_write([](Tx& tx) { return upsert_user_principal(tx, "user_1", {}, {}, 100).id; });
  SessionRecord const a = session("s_a", anon, 1000);
  SessionRecord const u = session("s_u", user, 2000, 500);
  auto loaded = db().in_read([](Tx& tx) { return load_sessions(tx); });
  ASSERT_EQ(loaded.size(), 2u);
  std::sort(loaded.begin(), loaded.end(), [](auto const& x, auto const& y) { return x.id < y.id; });
  EXPECT_EQ(loaded[0].id, "s_a");
  EXPECT_EQ(loaded[0].token_hash, a.token_hash);
  EXPECT_EQ(loaded[0].principal_id, anon);
  EXPECT_EQ(loaded[0].kind, PrincipalKind::anonymous);
  EXPECT_EQ(loaded[0].created_at, 10);
  EXPECT_EQ(loaded[0].expires_at, 1000);
  EXPECT_EQ(loaded[0].revoked_at, std::nullopt);
  EXPECT_EQ(loaded[0].user_agent, "agent of s_a");
  EXPECT_EQ(loaded[1].id, "s_u");
  EXPECT_EQ(loaded[1].token_hash, u.token_hash);
  EXPECT_EQ(loaded[1].kind, PrincipalKind::user);
  EXPECT_EQ(loaded[1].revoked_at, 500);
}

TEST_P(Store, RevokingMarksOnlySessionsNotAlreadyRevoked) {
  std::string const anon = anonymous("dev-a");
  session("s_1", anon, 1000);
  session("s_2", anon, 1000, 50);
  EXPECT_EQ(db().in_write([](Tx& tx) { return revoke_sessions(tx, {"s_1", "s_2", "s_missing"}, 300); }), 1u);
  EXPECT_EQ(db().in_write([](Tx& tx) { return revoke_sessions(tx, {"s_1"}, 400); }), 0u);
  EXPECT_EQ(db().scalar("SELECT revoked_at FROM sessions WHERE id = 's_1'"), 300);
  EXPECT_EQ(db().scalar("SELECT revoked_at FROM sessions WHERE id = 's_2'"), 50);
}

TEST_P(Store, LiveSessionIdsExcludeExpiredAndRevokedSessions) {
  std::string const anon = anonymous("dev-a");
  std::string const other = anonymous("dev-b");
  session("s_live", anon, 1000);
  session("s_expired", anon, 200);
  session("s_revoked", anon, 1000, 150);
  session("s_other", other, 1000);
  EXPECT_EQ(db().in_read([&](Tx& tx) { return live_session_ids(tx, anon, 200); }), std::vector<std::string>{"s_live"});
}

TEST_P(Store, ExtendingASessionNeverShortensItAndSkipsRevokedOnes) {
  std::string const anon = anonymous("dev-a");
  session("s_1", anon, 1000);
  session("s_2", anon, 1000, 50);
  db().in_write([](Tx& tx) { extend_session(tx, "s_1", 1500); });
  EXPECT_EQ(db().scalar("SELECT expires_at FROM sessions WHERE id = 's_1'"), 1500);
  db().in_write([](Tx& tx) { extend_session(tx, "s_1", 1200); });
  EXPECT_EQ(db().scalar("SELECT expires_at FROM sessions WHERE id = 's_1'"), 1500);
  db().in_write([](Tx& tx) { extend_session(tx, "s_2", 5000); });
  EXPECT_EQ(db().scalar("SELECT expires_at FROM sessions WHERE id = 's_2'"), 1000);
}

TEST_P(Store, PurgeDeletesOnlySessionsExpiredOrRevokedBeforeTheCutoffAndReturnsTheirIds) {
  std::string const anon = anonymous("dev-a");
  session("s_expired_before", anon, 100);
  session("s_expires_at_cutoff", anon, 200);
  session("s_live", anon, 5000);
  session("s_revoked_before", anon, 5000, 150);
  session("s_revoked_after", anon, 5000, 250);
  auto purged = db().in_write([](Tx& tx) { return purge_sessions(tx, 200); });
  std::sort(purged.begin(), purged.end());
  EXPECT_EQ(purged, (std::vector<std::string>{"s_expired_before", "s_revoked_before"}));
  EXPECT_EQ(session_ids(), (std::vector<std::string>{"s_expires_at_cutoff", "s_live", "s_revoked_after"}));
}

// ---- Research -----------------------------------------------------------------------------

TEST_P(Store, CreatedResearchIsRunningAndOwned) {
  std::string const owner = anonymous("dev-a");
  auto r = db().in_write([&](Tx& tx) { return create_research(tx, owner, "Title", 123); });
  EXPECT_FALSE(r.id.empty());
  EXPECT_EQ(r.owner_id, owner);
  EXPECT_EQ(r.title, "Title");
  EXPECT_EQ(r.status, ResearchStatus::running);
  EXPECT_EQ(r.last_seq, 0);
  EXPECT_EQ(r.created_at, 123);
  auto found = db().in_read([&](Tx& tx) { return find_research(tx, r.id, owner); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->title, "Title");
  EXPECT_EQ(found->status, ResearchStatus::running);
}

TEST_P(Store, ListResearchReturnsOnlyTheOwnersItemsOldestFirst) {
  std::string const a = anonymous("dev-a");
  std::string const b = anonymous("dev-b");
  auto first = db().in_write([&](Tx& tx) { return create_research(tx, a, "first", 100); });
  db().in_write([&](Tx& tx) { return create_research(tx, b, "not mine", 150); });
  auto second = db().in_write([&](Tx& tx) { return create_research(tx, a, "second", 200); });
  auto items = db().in_read([&](Tx& tx) { return list_research(tx, a); });
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, first.id);
  EXPECT_EQ(items[1].id, second.id);
}

TEST_P(Store, AnotherOwnersResearchIsNotFound) {
  std::string const a = anonymous("dev-a");
  std::string const b = anonymous("dev-b");
  auto r = db().in_write([&](Tx& tx) { return create_research(tx, a, "mine", 100); });
  EXPECT_FALSE(db().in_read([&](Tx& tx) { return find_research(tx, r.id, b); }));
  EXPECT_FALSE(db().in_read([&](Tx& tx) { return find_research(tx, "r_missing", a); }));
}

TEST_P(Store, AppendedEventsAreNumberedFromOne) {
  std::string const a = anonymous("dev-a");
  auto r = db().in_write([&](Tx& tx) { return create_research(tx, a, "t", 100); });
  for (std::int64_t expected = 1; expected <= 3; ++expected) {
    auto appended = append(r.id, a, "progress", R"({"n":)" + std::to_string(expected) + "}");
    ASSERT_TRUE(std::holds_alternative<EventRecord>(appended));
    EXPECT_EQ(std::get<EventRecord>(appended).seq, expected);
  }
  auto found = db().in_read([&](Tx& tx) { return find_research(tx, r.id, a); });
  EXPECT_EQ(found->last_seq, 3);
  EXPECT_EQ(found->status, ResearchStatus::running);
}

TEST_P(Store, AppendingToAnotherOwnersResearchIsNotFound) {
  std::string const a = anonymous("dev-a");
  std::string const b = anonymous("dev-b");
  auto r = db().in_write([&](Tx& tx) { return create_research(tx, a, "t", 100); });
  auto refused = append(r.id, b, "progress");
  ASSERT_TRUE(std::holds_alternative<AppendRefusal>(refused));
  EXPECT_EQ(std::get<AppendRefusal>(refused), AppendRefusal::not_found);
  EXPECT_EQ(db().scalar("SELECT count(*) FROM research_events"), 0);
}

TEST_P(Store, ADoneEventFinishesTheResearchAndLaterAppendsAreRefused) {
  std::string const a = anonymous("dev-a");
  auto r = db().in_write([&](Tx& tx) { return create_research(tx, a, "t", 100); });
  append(r.id, a, "progress");
  auto done = append(r.id, a, "done");
  ASSERT_TRUE(std::holds_alternative<EventRecord>(done));
  EXPECT_EQ(std::get<EventRecord>(done).seq, 2);
  EXPECT_EQ(db().in_read([&](Tx& tx) { return find_research(tx, r.id, a); })->status, ResearchStatus::done);
  auto refused = append(r.id, a, "progress");
  ASSERT_TRUE(std::holds_alternative<AppendRefusal>(refused));
  EXPECT_EQ(std::get<AppendRefusal>(refused), AppendRefusal::finished);
  EXPECT_EQ(db().scalar("SELECT count(*) FROM research_events"), 2);
}

TEST_P(Store, EventsAfterReturnsLaterEventsInOrderUpToTheLimit) {
  std::string const a = anonymous("dev-a");
  auto r = db().in_write([&](Tx& tx) { return create_research(tx, a, "t", 100); });
  auto other = db().in_write([&](Tx& tx) { return create_research(tx, a, "other", 100); });
  for (int i = 1; i <= 5; ++i) append(r.id, a, "e" + std::to_string(i), R"({"i":)" + std::to_string(i) + "}");
  append(other.id, a, "elsewhere");
  auto after2 = db().in_read([&](Tx& tx) { return events_after(tx, r.id, 2, 100); });
  ASSERT_EQ(after2.size(), 3u);
  EXPECT_EQ(after2[0].seq, 3);
  EXPECT_EQ(after2[0].event, "e3");
  EXPECT_EQ(after2[0].data_json, R"({"i":3})");
  EXPECT_EQ(after2[0].research_id, r.id);
  EXPECT_EQ(after2[2].seq, 5);
  auto limited = db().in_read([&](Tx& tx) { return events_after(tx, r.id, 0, 2); });
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_EQ(limited[0].seq, 1);
  EXPECT_EQ(limited[1].seq, 2);
  EXPECT_TRUE(db().in_read([&](Tx& tx) { return events_after(tx, r.id, 5, 100); }).empty());
}

// ---- Secrets ------------------------------------------------------------------------------

class Secrets : public Store {
 protected:
  // Seals as "sealed(<value>)@<row id>" and remembers which row id it was asked to seal for.
  void put(std::string const& owner, std::string const& name, std::string const& value, std::int64_t now) {
    db().in_write([&](Tx& tx) {
      put_secret(
          tx, owner, name,
          [&](std::string const& row_id) {
            sealed_for.push_back(row_id);
            return "sealed(" + value + ")@" + row_id;
          },
          now);
    });
  }
  std::vector<std::string> sealed_for;
};

TEST_P(Secrets, PutStoresOnlyTheSealedBytesBoundToTheRowId) {
  std::string const a = anonymous("dev-a");
  put(a, "openai", "sk-1", 100);
  ASSERT_EQ(sealed_for.size(), 1u);
  std::string stored;
  std::string id;
  db().in_read([&](Tx& tx) {
    auto q = tx.query("SELECT id, ciphertext FROM secrets");
    ASSERT_TRUE(q.next());
    id = q.text(0);
    stored = q.blob(1);
  });
  EXPECT_EQ(id, sealed_for[0]);
  EXPECT_EQ(stored, "sealed(sk-1)@" + id);
}

TEST_P(Secrets, ReplacingASecretKeepsItsRowId) {
  std::string const a = anonymous("dev-a");
  put(a, "openai", "sk-1", 100);
  put(a, "openai", "sk-2", 200);
  ASSERT_EQ(sealed_for.size(), 2u);
  EXPECT_EQ(sealed_for[0], sealed_for[1]);
  EXPECT_EQ(db().scalar("SELECT count(*) FROM secrets"), 1);
  std::string stored;
  db().in_read([&](Tx& tx) {
    auto q = tx.query("SELECT ciphertext FROM secrets");
    if (q.next()) stored = q.blob(0);
  });
  EXPECT_EQ(stored, "sealed(sk-2)@" + sealed_for[0]);
  auto listed = db().in_read([&](Tx& tx) { return list_secrets(tx, a); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].updated_at, 200);
}

TEST_P(Secrets, DeleteRemovesTheOwnersSecretAndReportsAMissingOne) {
  std::string const a = anonymous("dev-a");
  std::string const b = anonymous("dev-b");
  put(a, "openai", "sk-1", 100);
  put(b, "openai", "sk-b", 100);
  EXPECT_TRUE(db().in_write([&](Tx& tx) { return delete_secret(tx, a, "openai"); }));
  EXPECT_FALSE(db().in_write([&](Tx& tx) { return delete_secret(tx, a, "openai"); }));
  EXPECT_FALSE(db().in_write([&](Tx& tx) { return delete_secret(tx, a, "never-set"); }));
  EXPECT_TRUE(db().in_read([&](Tx& tx) { return list_secrets(tx, a); }).empty());
  EXPECT_EQ(db().in_read([&](Tx& tx) { return list_secrets(tx, b); }).size(), 1u);
}

TEST_P(Secrets, ListShowsOnlyTheOwnersSecretsByName) {
  std::string const a = anonymous("dev-a");
  std::string const b = anonymous("dev-b");
  put(a, "zeta", "1", 300);
  put(a, "alpha", "2", 100);
  put(b, "beta", "3", 200);
  auto listed = db().in_read([&](Tx& tx) { return list_secrets(tx, a); });
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name, "alpha");
  EXPECT_EQ(listed[0].updated_at, 100);
  EXPECT_EQ(listed[1].name, "zeta");
  EXPECT_EQ(listed[1].updated_at, 300);
}

GATEHOUSE_BOTH_ENGINES(Store);
GATEHOUSE_BOTH_ENGINES(Secrets);

}  // namespace
