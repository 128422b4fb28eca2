// The session token's life: GET /auth/whoami, DELETE /auth/session, GET /auth/sessions,
// DELETE /auth/sessions/{id}, DELETE /auth/sessions, POST /auth/stream-ticket, and expiry.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include "gatehouse/util/clock.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <thread>

namespace gatehouse::testing {

class Sessions : public GatehouseTest {
 protected:
  // A user session created with a User-Agent, so session lists have something to show.
  std::string user_session_with_agent(std::string const& sub, std::string const& agent) {
    EXPECT_TRUE(wait_for_jwks_loaded());
    auto const res = exchange("Bearer " + mint_jwt(sub), {{"User-Agent", agent}});
    EXPECT_EQ(res.status, 200) << res.body;
    return str(res.json(), "token");
  }

  boost::json::array list(std::string const& token) {
    auto const res = get(port(), "/auth/sessions", token);
    EXPECT_EQ(res.status, 200) << res.body;
    EXPECT_TRUE(IsJson(res));
    return res.json().at("sessions").as_array();
  }

  std::string session_id_of(std::string const& token) {
    return str(get(port(), "/auth/whoami", token).json(), "session_id");
  }
};

TEST_F(Sessions, WhoamiDescribesTheCallersSession) {
  start();
  auto const minted = post(port(), "/auth/anonymous", R"({"device_id":"whoami-device"})");
  ASSERT_EQ(minted.status, 200);
  auto const res = get(port(), "/auth/whoami", str(minted.json(), "token"));
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(IsJson(res));
  auto const body = res.json();
  EXPECT_EQ(str(body, "principal_id"), str(minted.json(), "principal_id"));
  EXPECT_EQ(str(body, "kind"), "anonymous");
  EXPECT_EQ(str(body, "session_id").empty(), false);
  EXPECT_LE(num(body, "expires_in"), 1800);
  EXPECT_GE(num(body, "expires_in"), 1790);
  EXPECT_EQ(str(body, "credential"), "session");
  EXPECT_TRUE(body.at("api_key_id").is_null());
  // A session carries every scope of its principal, in a fixed order.
  EXPECT_EQ(boost::json::serialize(body.at("scopes")),
            R"(["research.read","research.write","secrets.write","sessions.read"])");
  EXPECT_EQ(body.as_object().size(), 7u) << res.body;
}

TEST_F(Sessions, WhoamiWithoutATokenIsMissingBearerToken) {
  start();
  EXPECT_TRUE(IsError(get(port(), "/auth/whoami"), 401, "Missing Bearer token"));
  EXPECT_TRUE(IsError(http(port(), "GET", "/auth/whoami", {}, {{"Authorization", "Basic dXNlcjpwYXNz"}}), 401,
                      "Missing Bearer token"));
}

TEST_F(Sessions, BearerSchemeIsCaseInsensitiveForSessionTokens) {
  start();
  std::string const token = anonymous_session("case-device");
  for (std::string const scheme : {"bearer", "BEARER", "BeArEr"}) {
    auto const res = http(port(), "GET", "/auth/whoami", {}, {{"Authorization", scheme + " " + token}});
    EXPECT_EQ(res.status, 200) << scheme << ": " << res.body;
  }
}

TEST_F(Sessions, QueryStringTokensAreNotAcceptedOutsideTheStreams) {
  start();
  std::string const token = anonymous_session("query-device");
  EXPECT_TRUE(IsError(get(port(), "/auth/whoami?access_token=" + token), 401, "Missing Bearer token"));
  EXPECT_TRUE(IsError(get(port(), "/auth/bootstrap?access_token=" + token), 401, "Missing Bearer token"));
  std::string const ticket = str(post(port(), "/auth/stream-ticket", "", token).json(), "ticket");
  EXPECT_TRUE(IsError(get(port(), "/research?ticket=" + ticket), 401, "Missing Bearer token"));
}

TEST_F(Sessions, UnknownWellFormedTokenIsInvalidToken) {
  start();
  // Right prefix, right length, never issued.
  std::string const forged = "gs_" + std::string(43, 'A');
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", forged)));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", "gs_tooshort")));
}

TEST_F(Sessions, ClerkJwtSentToWhoamiIsInvalidToken) {
  start();
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", mint_jwt("user_jwt_at_whoami"))));
}

TEST_F(Sessions, ExpiredSessionIsTokenExpired) {
  start({"--session-ttl", "2"});
  auto const minted = post(port(), "/auth/anonymous", R"({"device_id":"short-lived"})");
  UnixSeconds const received = now_unix();
  ASSERT_EQ(minted.status, 200) << minted.body;
  EXPECT_EQ(num(minted.json(), "expires_in"), 2);
  std::string const token = str(minted.json(), "token");
  ASSERT_EQ(get(port(), "/auth/whoami", token).status, 200);
  // Waiting out the TTL is the rule under test. The server stamped the session no later than
  // `received`, so it has expired once the clock reads received + 2.
  std::this_thread::sleep_until(std::chrono::system_clock::from_time_t(received + 2) + std::chrono::milliseconds(50));
  EXPECT_TRUE(IsError(get(port(), "/auth/whoami", token), 401, "Token expired"));
  EXPECT_TRUE(IsError(get(port(), "/auth/bootstrap", token), 401, "Token expired"));
  EXPECT_TRUE(IsError(post(port(), "/research", R"({"title":"late"})", token), 401, "Token expired"));
}

TEST_F(Sessions, LogoutKillsTheToken) {
  start();
  std::string const token = anonymous_session("logout-device");
  auto const res = del(port(), "/auth/session", token);
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_TRUE(res.body.empty());
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", token)));
  EXPECT_TRUE(IsInvalidToken(del(port(), "/auth/session", token)));
}

TEST_F(Sessions, LogoutLeavesThePrincipalsOtherSessionsAlive) {
  start();
  std::string const a = anonymous_session("two-tabs");
  std::string const b = anonymous_session("two-tabs");
  ASSERT_EQ(del(port(), "/auth/session", a).status, 204);
  EXPECT_EQ(get(port(), "/auth/whoami", b).status, 200);
}

TEST_F(Sessions, ListShowsThePrincipalsLiveSessions) {
  start();
  std::string const first = user_session_with_agent("user_lister", "Browser/1.0");
  std::string const second = user_session_with_agent("user_lister", "Phone/2.0");
  std::string const revoked = user_session_with_agent("user_lister", "Old/0.1");
  user_session_with_agent("user_someone_else", "Other/9");
  ASSERT_EQ(del(port(), "/auth/session", revoked).status, 204);

  auto const sessions = list(second);
  ASSERT_EQ(sessions.size(), 2u) << boost::json::serialize(sessions);
  std::string const first_id = session_id_of(first);
  std::string const second_id = session_id_of(second);
  int current = 0;
  for (auto const& s : sessions) {
    auto const id = str(s, "id");
    EXPECT_TRUE(id == first_id || id == second_id) << id;
    EXPECT_EQ(str(s, "kind"), "user");
    EXPECT_TRUE(is_rfc3339_utc(str(s, "created_at"))) << s;
    EXPECT_TRUE(is_rfc3339_utc(str(s, "expires_at"))) << s;
    EXPECT_EQ(s.at("user_agent"), id == first_id ? "Browser/1.0" : "Phone/2.0");
    EXPECT_EQ(s.at("current").as_bool(), id == second_id);
    current += s.at("current").as_bool() ? 1 : 0;
  }
  EXPECT_EQ(current, 1);
}

TEST_F(Sessions, SessionWithoutUserAgentListsNull) {
  start();
  std::string const token = anonymous_session("no-agent");
  auto const sessions = list(token);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_TRUE(sessions[0].at("user_agent").is_null());
}

TEST_F(Sessions, RevokingOneOfTheCallersSessionsKillsIt) {
  start();
  std::string const keeper = user_session("user_revoke_one");
  std::string const victim = user_session("user_revoke_one");
  auto const res = del(port(), "/auth/sessions/" + session_id_of(victim), keeper);
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", victim)));
  EXPECT_EQ(get(port(), "/auth/whoami", keeper).status, 200);
  EXPECT_EQ(list(keeper).size(), 1u);
}

TEST_F(Sessions, RevokingTheCallersOwnSessionByIdKillsIt) {
  start();
  std::string const token = anonymous_session("self-revoke");
  EXPECT_EQ(del(port(), "/auth/sessions/" + session_id_of(token), token).status, 204);
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", token)));
}

TEST_F(Sessions, RevokingAnotherPrincipalsSessionIsSessionNotFound) {
  start();
  std::string const attacker = user_session("user_attacker");
  std::string const victim = user_session("user_victim");
  EXPECT_TRUE(IsError(del(port(), "/auth/sessions/" + session_id_of(victim), attacker), 404, "Session not found"));
  EXPECT_EQ(get(port(), "/auth/whoami", victim).status, 200);
  EXPECT_TRUE(IsError(del(port(), "/auth/sessions/s_doesnotexist", attacker), 404, "Session not found"));
}

TEST_F(Sessions, RevokingOthersLeavesTheCaller) {
  start();
  std::string const caller = user_session("user_signout_others");
  std::string const other1 = user_session("user_signout_others");
  std::string const other2 = user_session("user_signout_others");
  std::string const stranger = user_session("user_unrelated");
  auto const res = del(port(), "/auth/sessions", caller);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(IsJson(res));
  EXPECT_EQ(num(res.json(), "revoked"), 2);
  EXPECT_EQ(get(port(), "/auth/whoami", caller).status, 200);
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", other1)));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", other2)));
  EXPECT_EQ(get(port(), "/auth/whoami", stranger).status, 200);
  // Nothing left to sign out.
  EXPECT_EQ(num(del(port(), "/auth/sessions", caller).json(), "revoked"), 0);
}

TEST_F(Sessions, RevokingAllWithIncludeCurrentRevokesTheCallerToo) {
  start();
  std::string const caller = anonymous_session("include-current");
  std::string const other = anonymous_session("include-current");
  auto const res = del(port(), "/auth/sessions?include_current=true", caller);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(num(res.json(), "revoked"), 2);
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", caller)));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", other)));
}

TEST_F(Sessions, StreamTicketIsShortLivedAndOpaque) {
  start();
  std::string const token = anonymous_session("ticket-device");
  auto const res = post(port(), "/auth/stream-ticket", "", token);
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(IsJson(res));
  std::string const ticket = str(res.json(), "ticket");
  EXPECT_EQ(num(res.json(), "expires_in"), 30);
  EXPECT_FALSE(ticket.empty());
  EXPECT_NE(ticket, token);
  EXPECT_NE(str(post(port(), "/auth/stream-ticket", "", token).json(), "ticket"), ticket);
  // A ticket is for streams only: it is not a session token.
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", ticket)));
}

TEST_F(Sessions, StreamTicketRequiresASession) {
  start();
  EXPECT_TRUE(IsError(post(port(), "/auth/stream-ticket", ""), 401, "Missing Bearer token"));
}

}  // namespace gatehouse::testing
