// Refresh families (the contract's Refresh tokens section) through the domain operation, on both
// engines: rotation, the retry of a just-consumed token, reuse ending the family and its
// sessions, the absolute lifetime, logout ending the family, and two refreshes of one token at
// the same moment on two nodes ending in the retry rule, never in two live successors.
#include "gatehouse/domain/change_applier.hpp"
#include "gatehouse/domain/refresh_families.hpp"
#include "gatehouse/errors.hpp"
#include "gatehouse/store/principal_store.hpp"
#include "store_test_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <latch>
#include <memory>
#include <string>
#include <thread>

namespace {

namespace asio = boost::asio;
using gatehouse::ErrorCode;
using gatehouse::Failure;
using gatehouse::UnixSeconds;
using gatehouse::domain::SignedIn;
using gatehouse::store::Tx;

constexpr UnixSeconds family_ttl = 30 * 86400;

template <typename T>
T await(asio::awaitable<T> work) {
  asio::io_context io;
  auto result = asio::co_spawn(io, std::move(work), asio::use_future);
  io.run();
  return result.get();
}

// One node's view: its own registries and domain operations on a database executor.
struct Node {
  explicit Node(gatehouse::store::DbExecutor& db)
      : changes(registry, keys, hub, streams),
        sessions(db, changes, registry, gatehouse::domain::SessionOptions{1800}),
        refresh(db, sessions, gatehouse::domain::RefreshOptions{family_ttl}) {}

  gatehouse::auth::SessionRegistry registry;
  gatehouse::auth::ApiKeyRegistry keys;
  gatehouse::streams::EventHub hub;
  gatehouse::streams::StreamRegistry streams;
  gatehouse::domain::ChangeApplier changes;
  gatehouse::domain::Sessions sessions;
  gatehouse::domain::RefreshFamilies refresh;
};

// The refusal's `detail` reason ("unknown refresh token", ...), or "" when it was accepted.
std::string refusal(Node& node, std::string const& token) {
  try {
    await(node.refresh.refresh(token, std::nullopt));
    return "";
  } catch (Failure const& f) {
    EXPECT_EQ(f.code(), ErrorCode::invalid_token);
    return f.arg();
  }
}

class RefreshFamilies : public gatehouse::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    node = std::make_unique<Node>(db().db());
    user = db().in_write([](Tx& tx) { return gatehouse::store::upsert_user_principal(tx, "user_1", {}, {}, 100); });
  }
  void TearDown() override {
    node.reset();
    EngineTest::TearDown();
  }

  SignedIn sign_in(UnixSeconds at = gatehouse::now_unix()) {
    return db().in_write([&](Tx& tx) { return node->refresh.start(tx, user, "login", std::nullopt, at); });
  }
  SignedIn refresh(std::string const& token) { return await(node->refresh.refresh(token, std::nullopt)); }
  bool live(SignedIn const& s) {
    auto const session = node->registry.find_by_id(s.session.record.id);
    return session && session->live(gatehouse::now_unix());
  }
  // Tokens of the family that could still be presented for a first rotation.
  std::int64_t unused_tokens(std::string const& family) {
    return db().scalar("SELECT count(*) FROM refresh_tokens WHERE family_id = '" + family +
                       "' AND consumed_at IS NULL AND superseded_at IS NULL");
  }

  std::unique_ptr<Node> node;
  gatehouse::store::PrincipalRecord user;
};

TEST_P(RefreshFamilies, ARefreshConsumesTheTokenAndIssuesItsSuccessorWithANewSessionInTheFamily) {
  auto const first = sign_in();
  EXPECT_TRUE(first.refresh_token.starts_with("gr_"));
  EXPECT_EQ(first.refresh_token.size(), 3u + 43u);
  ASSERT_TRUE(live(first));
  EXPECT_EQ(node->registry.find_by_id(first.session.record.id)->family_id, first.family_id);

  auto const second = refresh(first.refresh_token);
  EXPECT_NE(second.refresh_token, first.refresh_token);
  EXPECT_NE(second.session.token, first.session.token);
  EXPECT_EQ(second.family_id, first.family_id);
  EXPECT_EQ(second.session.record.principal_id, user.id);
  EXPECT_TRUE(live(second));
  EXPECT_EQ(node->registry.find_by_id(second.session.record.id)->family_id, first.family_id);
  EXPECT_EQ(unused_tokens(first.family_id), 1);
  // Only hashes are stored.
  EXPECT_EQ(db().scalar("SELECT count(*) FROM refresh_tokens"), 2);
  EXPECT_EQ(refusal(*node, second.refresh_token), "");
}

TEST_P(RefreshFamilies, PresentingTheConsumedTokenBeforeItsSuccessorIsUsedIsARetryThatReplacesTheSuccessor) {
  auto const first = sign_in();
  auto const lost = refresh(first.refresh_token);  // the client never saw this answer
  auto const retried = refresh(first.refresh_token);
  EXPECT_NE(retried.refresh_token, lost.refresh_token);
  EXPECT_EQ(retried.family_id, first.family_id);
  EXPECT_FALSE(live(lost)) << "the unused successor's session is revoked";
  EXPECT_TRUE(live(retried));
  EXPECT_EQ(unused_tokens(first.family_id), 1) << "never two live successors";
  // The family goes on from the retried pair.
  auto const next = refresh(retried.refresh_token);
  EXPECT_TRUE(live(next));
}

TEST_P(RefreshFamilies, PresentingATokenWhoseSuccessorWasUsedRevokesTheWholeFamily) {
  auto const first = sign_in();
  auto const second = refresh(first.refresh_token);
  auto const third = refresh(second.refresh_token);
  ASSERT_TRUE(live(first) && live(second) && live(third));

  EXPECT_EQ(refusal(*node, first.refresh_token), "refresh token reuse detected");
  EXPECT_FALSE(live(first));
  EXPECT_FALSE(live(second));
  EXPECT_FALSE(live(third)) << "every session minted in the family";
  // The family has ended: its newest token is dead too, and stays dead.
  EXPECT_EQ(refusal(*node, third.refresh_token), "unknown refresh token");
  EXPECT_EQ(refusal(*node, first.refresh_token), "unknown refresh token");
  EXPECT_EQ(db().scalar("SELECT count(*) FROM refresh_families WHERE revoked_at IS NULL"), 0);
}

TEST_P(RefreshFamilies, ASuccessorReplacedByARetryIsReuseWhenItTurnsUp) {
  auto const first = sign_in();
  auto const stolen = refresh(first.refresh_token);  // someone else got the first answer
  auto const retried = refresh(first.refresh_token);
  EXPECT_EQ(refusal(*node, stolen.refresh_token), "refresh token reuse detected");
  EXPECT_FALSE(live(retried));
}

TEST_P(RefreshFamilies, TheFamilyLifetimeIsAbsoluteFromTheSignIn) {
  UnixSeconds const now = gatehouse::now_unix();
  auto const old = sign_in(now - family_ttl - 1);
  EXPECT_EQ(refusal(*node, old.refresh_token), "refresh token expired");
  // Rotation does not extend it: the successor expires with the family.
  auto const recent = sign_in(now - family_ttl + 60);
  auto const next = refresh(recent.refresh_token);
  EXPECT_EQ(db().scalar("SELECT expires_at FROM refresh_families WHERE id = '" + next.family_id + "'"),
            now - family_ttl + 60 + family_ttl);
}

TEST_P(RefreshFamilies, UnknownAndMalformedTokensAreRefusedAsUnknown) {
  sign_in();
  EXPECT_EQ(refusal(*node, "gr_" + std::string(43, 'A')), "unknown refresh token");
  EXPECT_EQ(refusal(*node, "gr_short"), "unknown refresh token");
  EXPECT_EQ(refusal(*node, "gs_" + std::string(43, 'A')), "unknown refresh token");
}

TEST_P(RefreshFamilies, RevokingASessionOfTheFamilyEndsTheFamily) {
  auto const first = sign_in();
  auto const second = refresh(first.refresh_token);
  std::vector<std::string> ids{second.session.record.id};
  await(node->sessions.revoke(std::move(ids)));
  EXPECT_FALSE(live(first)) << "the family's other sessions end with it";
  EXPECT_EQ(refusal(*node, second.refresh_token), "unknown refresh token");
}

TEST_P(RefreshFamilies, RevokingEveryOtherSessionKeepsOnlyTheCurrentSessionsFamily) {
  auto const here = sign_in();
  auto const elsewhere = sign_in();
  std::size_t const revoked =
      await(node->sessions.revoke_all(user.id, here.session.record.id, gatehouse::now_unix()));
  EXPECT_EQ(revoked, 1u);
  EXPECT_TRUE(live(here));
  EXPECT_FALSE(live(elsewhere));
  EXPECT_EQ(refusal(*node, elsewhere.refresh_token), "unknown refresh token");
  EXPECT_EQ(refusal(*node, here.refresh_token), "");
}

TEST_P(RefreshFamilies, TwoNodesRefreshingOneTokenAtOnceEndInTheRetryRule) {
  // A second node: its own executor (connections) and memory on the same database.
  gatehouse::store::DbExecutor other_db(db().location(), gatehouse::store::DatabaseOptions{});
  Node other(other_db);
  for (int round = 0; round < 5; ++round) {
    auto const start = sign_in();
    std::string const token = start.refresh_token;
    std::latch go(2);
    std::string outcome_a, outcome_b;
    std::thread a([&] {
      go.arrive_and_wait();
      outcome_a = refusal(*node, token);
    });
    std::thread b([&] {
      go.arrive_and_wait();
      outcome_b = refusal(other, token);
    });
    a.join();
    b.join();
    // One rotated, the other found the successor unused: a retry, answered with a fresh pair.
    EXPECT_EQ(outcome_a, "");
    EXPECT_EQ(outcome_b, "");
    EXPECT_EQ(unused_tokens(start.family_id), 1) << "round " << round;
  }
}

GATEHOUSE_BOTH_ENGINES(RefreshFamilies);

}  // namespace
