// POST /auth/refresh on the real binary (the contract's Refresh tokens section). No route of this
// build signs in with a refresh family yet (login, OAuth and CLI login come later and start their
// families through domain::RefreshFamilies), so each test seeds one family the way those will
// leave it: a family row and its first token, stored as the SHA-256 of a token the test knows.
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/crypto/sha256.hpp"
#include "stream_test_support.hpp"

#include <memory>

namespace gatehouse::testing {

class Refresh : public GatehouseTest {
 protected:
  void SetUp() override {
    start({"--heartbeat", "30"});
    user_token_ = user_session("user_refresh");
    principal_ = principal_of(user_token_);
  }

  // A family of the user with one unused token (its session is the user's exchange session, as
  // a sign-in would have minted one); returns the refresh token's text.
  std::string seed_family(std::string const& family_id, UnixSeconds expires_at = now_unix() + 86400) {
    auto const token = auth::mint_opaque_token(auth::refresh_token_prefix);
    UnixSeconds const now = now_unix();
    db_exec("INSERT INTO refresh_families (id, principal_id, origin, created_at, expires_at) VALUES ('" + family_id +
            "', '" + principal_ + "', 'login', " + std::to_string(now) + ", " + std::to_string(expires_at) + ")");
    db_exec("INSERT INTO refresh_tokens (token_hash, family_id, session_id, issued_at) VALUES (X'" +
            db_hex(token.hash) + "', '" + family_id + "', 's_seeded', " + std::to_string(now) + ")");
    return token.text;
  }

  HttpResponse refresh(std::string const& token) {
    return post(port(), "/auth/refresh", R"({"refresh_token":")" + token + R"("})");
  }

  // The pair a successful refresh answered (asserts its shape).
  struct Pair {
    std::string access;
    std::string refresh;
  };
  Pair refreshed(std::string const& token) {
    auto const res = refresh(token);
    EXPECT_EQ(res.status, 200) << res.body;
    if (res.status != 200) return {};
    auto const body = res.json();
    return Pair{str(body, "access_token"), str(body, "refresh_token")};
  }

  std::string user_token_;
  std::string principal_;
};

TEST_F(Refresh, ARefreshTokenRotatesIntoANewSessionTokenAndItsSuccessor) {
  std::string const seeded = seed_family("rf_e2e_1");
  auto const res = refresh(seeded);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(IsJson(res));
  EXPECT_EQ(res.header("Cache-Control"), "no-store");
  auto const body = res.json();
  EXPECT_TRUE(str(body, "access_token").starts_with("gs_"));
  EXPECT_TRUE(str(body, "refresh_token").starts_with("gr_"));
  EXPECT_EQ(str(body, "refresh_token").size(), 46u);
  EXPECT_NE(str(body, "refresh_token"), seeded);
  EXPECT_EQ(str(body, "token_type"), "Bearer");
  EXPECT_EQ(num(body, "expires_in"), 1800);
  EXPECT_EQ(str(body, "principal_id"), principal_);
  EXPECT_EQ(body.as_object().size(), 5u);

  std::string const access = str(body, "access_token");
  auto const who = get(port(), "/auth/whoami", access);
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(str(who.json(), "principal_id"), principal_);

  // The session list says which family each session belongs to.
  auto const list = get(port(), "/auth/sessions", access);
  ASSERT_EQ(list.status, 200) << list.body;
  int in_family = 0, outside = 0;
  auto const listed = list.json();
  for (auto const& s : listed.at("sessions").as_array()) {
    if (s.at("family_id").is_null()) {
      ++outside;
    } else {
      EXPECT_EQ(s.at("family_id").as_string(), "rf_e2e_1");
      EXPECT_TRUE(s.at("current").as_bool());
      ++in_family;
    }
  }
  EXPECT_EQ(in_family, 1);
  EXPECT_EQ(outside, 1) << "the JWT exchange's session is outside any family";
  // Only hashes are stored: neither token's text is in the database.
  EXPECT_EQ(db_int("SELECT count(*) FROM refresh_tokens WHERE hex(token_hash) = ?1",
                   {db_hex(crypto::sha256(str(body, "refresh_token")))}),
            1);
  EXPECT_EQ(db_file_bytes().find(str(body, "refresh_token")), std::string::npos);

  // The successor rotates in turn.
  EXPECT_FALSE(refreshed(str(body, "refresh_token")).access.empty());
}

TEST_F(Refresh, PresentingTheConsumedTokenAgainBeforeItsSuccessorIsUsedIsARetry) {
  std::string const seeded = seed_family("rf_e2e_retry");
  auto const lost = refreshed(seeded);
  auto const retried = refreshed(seeded);
  EXPECT_NE(retried.refresh, lost.refresh);
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", lost.access))) << "the unused successor's session is revoked";
  EXPECT_EQ(get(port(), "/auth/whoami", retried.access).status, 200);
}

TEST_F(Refresh, ReuseRevokesTheFamilyAndClosesItsStreamsWithinOneSecond) {
  std::string const seeded = seed_family("rf_e2e_reuse");
  auto const first = refreshed(seeded);
  auto const second = refreshed(first.refresh);
  std::string const research = create_research(port(), second.access);
  SseClient sse(port(), events_path(research), bearer(second.access));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  WsClient ws(port(), "/ws", bearer(first.access));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));

  auto const t0 = Clock::now();
  EXPECT_TRUE(IsError(refresh(seeded), 401, "Invalid token: refresh token reuse detected"));
  expect_sse_revoked(sse, t0);
  expect_ws_revoked(ws, t0);
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", first.access)));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", second.access)));
  EXPECT_TRUE(IsError(refresh(second.refresh), 401, "Invalid token: unknown refresh token"));
  // Outside the family nothing changed.
  EXPECT_EQ(get(port(), "/auth/whoami", user_token_).status, 200);
  // Logged at warn with the principal and the family, never a token.
  EXPECT_TRUE(server().wait_for_output("refresh token reuse detected", std::chrono::seconds(2)));
  EXPECT_EQ(server().output().find(seeded), std::string::npos);
  EXPECT_EQ(server().output().find(second.refresh), std::string::npos);
}

TEST_F(Refresh, LoggingOutOfARefreshedSessionEndsItsFamily) {
  auto const pair = refreshed(seed_family("rf_e2e_logout"));
  ASSERT_EQ(del(port(), "/auth/session", pair.access).status, 204);
  EXPECT_TRUE(IsError(refresh(pair.refresh), 401, "Invalid token: unknown refresh token"));
}

TEST_F(Refresh, SigningOutEverySessionEndsEveryFamilyOfThePrincipal) {
  auto const pair = refreshed(seed_family("rf_e2e_all"));
  auto const res = del(port(), "/auth/sessions?include_current=true", user_token_);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(IsError(refresh(pair.refresh), 401, "Invalid token: unknown refresh token"));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", pair.access)));
}

TEST_F(Refresh, AnExpiredFamilyIsRefused) {
  std::string const old = seed_family("rf_e2e_old", now_unix() - 1);
  EXPECT_TRUE(IsError(refresh(old), 401, "Invalid token: refresh token expired"));
}

TEST_F(Refresh, FamiliesAndTheirRotationsSurviveARestart) {
  auto const pair = refreshed(seed_family("rf_e2e_restart"));
  restart();
  EXPECT_EQ(get(port(), "/auth/whoami", pair.access).status, 200);
  EXPECT_FALSE(refreshed(pair.refresh).access.empty());
}

TEST_F(Refresh, BadRequestsAreRefusedWithTheContractsDetail) {
  EXPECT_TRUE(IsError(post(port(), "/auth/refresh", ""), 422, "refresh_token required"));
  EXPECT_TRUE(IsError(post(port(), "/auth/refresh", "{}"), 422, "refresh_token required"));
  EXPECT_TRUE(IsError(post(port(), "/auth/refresh", R"({"refresh_token":5})"), 422, "refresh_token required"));
  EXPECT_TRUE(IsError(post(port(), "/auth/refresh", R"({"refresh_token":""})"), 422, "refresh_token required"));
  auto const unknown = refresh("gr_" + std::string(43, 'Q'));
  EXPECT_TRUE(IsError(unknown, 401, "Invalid token: unknown refresh token"));
  EXPECT_NE(unknown.header("WWW-Authenticate").find("invalid_token"), std::string::npos);
  // A session token is not a refresh token.
  EXPECT_TRUE(IsError(refresh(user_token_), 401, "Invalid token: unknown refresh token"));
}

}  // namespace gatehouse::testing
