// The error conventions that hold on every route: JSON bodies with `detail`, 404 and 405 with
// Allow, the Bearer challenge on 401, and refusals of requests a proper client would not send.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include <set>
#include <sstream>

namespace gatehouse::testing {

class Errors : public GatehouseTest {
 protected:
  void SetUp() override { start(); }

  static std::set<std::string> methods_in(std::string const& allow) {
    std::set<std::string> out;
    std::stringstream in(allow);
    std::string item;
    while (std::getline(in, item, ',')) {
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      out.insert(item);
    }
    return out;
  }
};

TEST_F(Errors, UnknownRouteIsA404JsonError) {
  for (std::string const path : {"/nope", "/auth", "/auth/whoami/extra", "/research/r_1/events/1", "/"}) {
    auto const res = get(port(), path);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_TRUE(IsJson(res)) << path;
    EXPECT_FALSE(res.detail().empty()) << path;
  }
}

TEST_F(Errors, WrongMethodIsA405JsonErrorWithAllow) {
  struct Case {
    std::string method, path;
    std::set<std::string> allowed;
  };
  for (auto const& c : {Case{"POST", "/health", {"GET"}}, Case{"GET", "/auth/session", {"POST", "DELETE"}},
                        Case{"PUT", "/research", {"GET", "POST"}}, Case{"DELETE", "/research/r_1", {"GET"}},
                        Case{"GET", "/secrets/name", {"PUT", "DELETE"}}, Case{"PATCH", "/auth/whoami", {"GET"}}}) {
    auto const res = http(port(), c.method, c.path);
    EXPECT_EQ(res.status, 405) << c.method << " " << c.path;
    EXPECT_TRUE(IsJson(res)) << c.method << " " << c.path;
    EXPECT_FALSE(res.detail().empty());
    EXPECT_EQ(methods_in(res.header("Allow")), c.allowed) << c.method << " " << c.path << ": " << res.header("Allow");
  }
}

TEST_F(Errors, EveryUnauthenticatedRouteAnswers401WithABearerChallenge) {
  struct Case {
    std::string method, path, body;
  };
  for (auto const& c : {Case{"GET", "/auth/whoami", ""}, Case{"GET", "/auth/bootstrap", ""},
                        Case{"DELETE", "/auth/session", ""}, Case{"GET", "/auth/sessions", ""},
                        Case{"DELETE", "/auth/sessions", ""}, Case{"DELETE", "/auth/sessions/s_1", ""},
                        Case{"POST", "/auth/stream-ticket", ""}, Case{"POST", "/auth/session", ""},
                        Case{"POST", "/auth/rebind", R"({"device_id":"d"})"}, Case{"POST", "/research", R"({"title":"t"})"},
                        Case{"GET", "/research", ""}, Case{"GET", "/research/r_1", ""},
                        Case{"POST", "/research/r_1/events", R"({"event":"e"})"},
                        Case{"PUT", "/secrets/s", R"({"value":"v"})"}, Case{"DELETE", "/secrets/s", ""}}) {
    auto const res = http(port(), c.method, c.path, c.body);
    EXPECT_TRUE(IsError(res, 401, "Missing Bearer token")) << c.method << " " << c.path;
  }
}

TEST_F(Errors, InvalidTokenChallengeNamesTheError) {
  auto const res = get(port(), "/auth/whoami", "gs_" + std::string(43, 'Q'));
  ASSERT_TRUE(IsInvalidToken(res));
  EXPECT_NE(res.header("WWW-Authenticate").find("invalid_token"), std::string::npos) << res.header("WWW-Authenticate");
}

TEST_F(Errors, ErrorsCarryAMachineReadableCode) {
  auto const res = get(port(), "/auth/whoami");
  ASSERT_EQ(res.status, 401);
  EXPECT_TRUE(res.json().at("code").is_string());
}

TEST_F(Errors, MalformedHttpIsA400) {
  std::string const reply = raw_exchange(port(), "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find("application/json"), std::string::npos) << reply;
}

TEST_F(Errors, JsonResponsesAreNeverCached) {
  auto const res = post(port(), "/auth/anonymous", R"({"device_id":"cache-device"})");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Cache-Control"), "no-store");
}

}  // namespace gatehouse::testing
