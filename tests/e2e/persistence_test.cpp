// What a restart keeps: sessions (the registry is rebuilt from the database), revocations,
// principals and research.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

namespace gatehouse::testing {

class Persistence : public GatehouseTest {
 protected:
  void SetUp() override { start(); }
};

TEST_F(Persistence, SessionsSurviveARestart) {
  std::string const anon = anonymous_session("persistent-device");
  std::string const user = user_session("user_persistent");
  auto const before_anon = get(port(), "/auth/whoami", anon).json();
  auto const before_user = get(port(), "/auth/whoami", user).json();
  restart();
  auto const after_anon = get(port(), "/auth/whoami", anon);
  ASSERT_EQ(after_anon.status, 200) << after_anon.body;
  EXPECT_EQ(str(after_anon.json(), "session_id"), str(before_anon, "session_id"));
  EXPECT_EQ(str(after_anon.json(), "principal_id"), str(before_anon, "principal_id"));
  EXPECT_EQ(str(after_anon.json(), "kind"), "anonymous");
  auto const after_user = get(port(), "/auth/whoami", user);
  ASSERT_EQ(after_user.status, 200) << after_user.body;
  EXPECT_EQ(str(after_user.json(), "session_id"), str(before_user, "session_id"));
  EXPECT_EQ(str(after_user.json(), "kind"), "user");
  // The expiry is the stored one, not reset by the restart.
  EXPECT_LE(num(after_user.json(), "expires_in"), num(before_user, "expires_in"));
}

TEST_F(Persistence, RevocationsSurviveARestart) {
  std::string const logged_out = anonymous_session("revoked-device");
  std::string const signed_out = anonymous_session("revoked-device");
  std::string const caller = anonymous_session("revoked-device");
  ASSERT_EQ(del(port(), "/auth/session", logged_out).status, 204);
  ASSERT_EQ(del(port(), "/auth/sessions/" + str(get(port(), "/auth/whoami", signed_out).json(), "session_id"), caller).status,
            204);
  restart();
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", logged_out)));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", signed_out)));
  EXPECT_EQ(get(port(), "/auth/whoami", caller).status, 200);
  EXPECT_EQ(get(port(), "/auth/sessions", caller).json().at("sessions").as_array().size(), 1u);
}

TEST_F(Persistence, RebindRevocationsSurviveARestart) {
  std::string const anon = anonymous_session("rebound-device");
  ASSERT_EQ(post(port(), "/research", R"({"title":"kept"})", anon).status, 201);
  std::string const user = user_session("user_rebound");
  ASSERT_EQ(post(port(), "/auth/rebind", R"({"device_id":"rebound-device"})", user).status, 200);
  restart();
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", anon)));
  // The binding survives too: the same user has nothing new to move.
  auto const again = post(port(), "/auth/rebind", R"({"device_id":"rebound-device"})", user);
  EXPECT_EQ(again.body, R"({"rebound":false,"moved":0})");
}

TEST_F(Persistence, ResearchSurvivesARestart) {
  std::string const token = anonymous_session("research-persists");
  auto const created = post(port(), "/research", R"({"title":"durable"})", token).json();
  std::string const id = str(created, "id");
  ASSERT_EQ(post(port(), "/research/" + id + "/events", R"({"event":"progress"})", token).status, 201);
  restart();
  auto const res = get(port(), "/research/" + id, token);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json(), created);
  auto const next = post(port(), "/research/" + id + "/events", R"({"event":"done"})", token);
  ASSERT_EQ(next.status, 201) << next.body;
  EXPECT_EQ(num(next.json(), "seq"), 2);
}

TEST_F(Persistence, SamePrincipalsAfterARestart) {
  std::string const anon_principal = principal_of(anonymous_session("same-device"));
  std::string const user_principal = principal_of(user_session("user_same"));
  restart();
  EXPECT_EQ(principal_of(anonymous_session("same-device")), anon_principal);
  EXPECT_EQ(principal_of(user_session("user_same")), user_principal);
}

}  // namespace gatehouse::testing
