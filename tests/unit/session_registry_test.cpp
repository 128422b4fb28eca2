// The in-memory mirror of the sessions table: O(1) lookups by token hash and id, per-principal
// listing, revocation that tells the stream layer exactly once, and forgetting purged sessions.
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/crypto/sha256.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using gatehouse::auth::SessionPtr;
using gatehouse::auth::SessionRegistry;
using gatehouse::crypto::sha256;
using gatehouse::store::PrincipalKind;
using gatehouse::store::SessionRecord;

SessionRecord record(std::string const& id, std::string const& principal, std::optional<std::int64_t> revoked_at = {}) {
  SessionRecord r;
  r.id = id;
  r.token_hash = sha256("token-" + id);
  r.principal_id = principal;
  r.kind = PrincipalKind::user;
  r.created_at = 10;
  r.expires_at = 1000;
  r.revoked_at = revoked_at;
  r.user_agent = "ua-" + id;
  return r;
}

std::vector<std::string> ids_of(std::vector<SessionPtr> const& sessions) {
  std::vector<std::string> ids;
  for (auto const& s : sessions) ids.push_back(s->id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(SessionRegistry, AnAddedSessionIsFoundByTokenHashAndById) {
  SessionRegistry registry;
  registry.add(record("s1", "p1"));
  SessionPtr by_hash = registry.find_by_token_hash(sha256("token-s1"));
  ASSERT_TRUE(by_hash);
  EXPECT_EQ(by_hash->id, "s1");
  EXPECT_EQ(by_hash->principal_id, "p1");
  EXPECT_EQ(by_hash->kind, PrincipalKind::user);
  EXPECT_EQ(by_hash->created_at, 10);
  EXPECT_EQ(by_hash->expires_at.load(), 1000);
  EXPECT_EQ(by_hash->user_agent, "ua-s1");
  EXPECT_FALSE(by_hash->revoked.load());
  EXPECT_EQ(registry.find_by_id("s1"), by_hash);
  EXPECT_EQ(registry.size(), 1u);
}

TEST(SessionRegistry, UnknownHashesAndIdsAreNotFound) {
  SessionRegistry registry;
  registry.add(record("s1", "p1"));
  EXPECT_FALSE(registry.find_by_token_hash(sha256("token-s2")));
  EXPECT_FALSE(registry.find_by_id("s2"));
}

TEST(SessionRegistry, ASessionLoadedRevokedIsRevoked) {
  SessionRegistry registry;
  registry.add(record("s1", "p1", 500));
  EXPECT_TRUE(registry.find_by_id("s1")->revoked.load());
  EXPECT_FALSE(registry.find_by_id("s1")->live(10));
}

TEST(SessionRegistry, LiveMeansUnrevokedAndBeforeExpiry) {
  SessionRegistry registry;
  registry.add(record("s1", "p1"));
  auto s = registry.find_by_id("s1");
  EXPECT_TRUE(s->live(999));
  EXPECT_FALSE(s->live(1000));
}

TEST(SessionRegistry, OfPrincipalListsOnlyThatPrincipalsSessions) {
  SessionRegistry registry;
  registry.add(record("s1", "p1"));
  registry.add(record("s2", "p1"));
  registry.add(record("s3", "p2"));
  EXPECT_EQ(ids_of(registry.of_principal("p1")), (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(ids_of(registry.of_principal("p2")), (std::vector<std::string>{"s3"}));
  EXPECT_TRUE(registry.of_principal("p3").empty());
}

TEST(SessionRegistry, RevokeMarksSessionsAndReportsEachNewlyRevokedSessionOnce) {
  SessionRegistry registry;
  std::vector<std::string> told;
  auto revoke = [&](std::vector<std::string> const& ids) {
    for (auto const& s : registry.revoke(ids)) told.push_back(s->id);
  };
  registry.add(record("s1", "p1"));
  registry.add(record("s2", "p1"));
  registry.add(record("s3", "p1", 500));  // revoked before it was loaded
  registry.add(record("s4", "p1"));

  revoke({"s1", "s2", "s3", "missing"});
  std::sort(told.begin(), told.end());
  EXPECT_EQ(told, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_TRUE(registry.find_by_id("s1")->revoked.load());
  EXPECT_TRUE(registry.find_by_id("s2")->revoked.load());
  EXPECT_FALSE(registry.find_by_id("s4")->revoked.load());

  told.clear();
  revoke({"s1", "s2"});
  EXPECT_TRUE(told.empty()) << "an already revoked session was reported again";
  // Revoked sessions stay findable, so they answer "token revoked" rather than "unknown token".
  EXPECT_TRUE(registry.find_by_token_hash(sha256("token-s1")));
}

TEST(SessionRegistry, EraseForgetsTheSessionEverywhere) {
  SessionRegistry registry;
  registry.add(record("s1", "p1"));
  registry.add(record("s2", "p1"));
  registry.erase({"s1", "missing"});
  EXPECT_FALSE(registry.find_by_id("s1"));
  EXPECT_FALSE(registry.find_by_token_hash(sha256("token-s1")));
  EXPECT_EQ(ids_of(registry.of_principal("p1")), (std::vector<std::string>{"s2"}));
  EXPECT_EQ(registry.size(), 1u);
  EXPECT_TRUE(registry.find_by_id("s2"));
}

TEST(SessionRegistry, AnErasedSessionIsNotReportedByALaterRevoke) {
  SessionRegistry registry;
  registry.add(record("s1", "p1"));
  registry.erase({"s1"});
  EXPECT_TRUE(registry.revoke({"s1"}).empty());
}

}  // namespace
