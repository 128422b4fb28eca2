// X-Request-Id on every response (echoed when acceptable, generated otherwise), the access log
// line that carries it and the authenticated principal, and credentials kept out of that log.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <ctime>
#include <regex>
#include <sstream>

namespace gatehouse::testing {

namespace {

bool is_generated_id(std::string const& id) {
  static std::regex const pattern("[0-9a-f]{32}");
  return std::regex_match(id, pattern);
}

HttpResponse get_with_id(std::uint16_t port, std::string const& target, std::string const& id,
                         std::string const& bearer = {}) {
  Headers headers{{"X-Request-Id", id}};
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
  return http(port, "GET", target, {}, headers);
}

}  // namespace

class RequestIds : public GatehouseTest {
 protected:
  // The access log line whose request_id is id, parsed; waits for it (access lines are
  // buffered for up to 100 ms).
  boost::json::object access_line(std::string const& id) {
    std::string const needle = R"("request_id":")" + id + "\"";
    EXPECT_TRUE(server().wait_for_output(needle, std::chrono::seconds(5))) << server().output();
    std::istringstream lines(server().output());
    for (std::string line; std::getline(lines, line);) {
      if (line.find(needle) != std::string::npos) return boost::json::parse(line).as_object();
    }
    return {};
  }
};

TEST_F(RequestIds, EveryResponseCarriesAFreshIdWhenTheClientSentNone) {
  start();
  auto const a = get(port(), "/health");
  auto const b = get(port(), "/health");
  auto const missing = get(port(), "/no/such/route");
  EXPECT_TRUE(is_generated_id(a.header("X-Request-Id"))) << a.header("X-Request-Id");
  EXPECT_TRUE(is_generated_id(b.header("X-Request-Id")));
  EXPECT_TRUE(is_generated_id(missing.header("X-Request-Id")));
  EXPECT_NE(a.header("X-Request-Id"), b.header("X-Request-Id"));
}

TEST_F(RequestIds, AnAcceptableIncomingIdIsEchoed) {
  start();
  for (std::string const& id :
       std::vector<std::string>{"trace-1", "a", "Abc.def_ghi:jkl-0123456789", std::string(128, 'x')}) {
    EXPECT_EQ(get_with_id(port(), "/health", id).header("X-Request-Id"), id);
  }
  EXPECT_EQ(get_with_id(port(), "/auth/whoami", "refused-too").header("X-Request-Id"), "refused-too");
}

TEST_F(RequestIds, AMalformedIncomingIdIsReplacedByAFreshOne) {
  start();
  for (std::string const& id : {std::string(129, 'x'), std::string("has space"), std::string("a/b"),
                               std::string("quote\"d"), std::string("caf\xc3\xa9"), std::string("{json}")}) {
    auto const echoed = get_with_id(port(), "/health", id).header("X-Request-Id");
    EXPECT_TRUE(is_generated_id(echoed)) << "for \"" << id << "\": " << echoed;
  }
}

TEST_F(RequestIds, RefusalsBeforeRoutingAndStreamHandshakesCarryAnIdToo) {
  start();
  // Malformed HTTP: the connection's own refusal.
  std::string const refusal = raw_exchange(port(), "NOT HTTP AT ALL\r\n\r\n");
  EXPECT_NE(refusal.find("X-Request-Id: "), std::string::npos) << refusal;
  // A body over the limit, refused by the parser once the headers (and the id) are known.
  auto const too_large =
      http(port(), "POST", "/auth/anonymous", std::string(70 * 1024, 'x'), {{"X-Request-Id", "big-body"}});
  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(too_large.header("X-Request-Id"), "big-body");

  // The SSE head, on a finished research so the server ends the stream by itself.
  std::string const token = anonymous_session("request-id-device");
  std::string const id = post(port(), "/research", R"({"title":"t"})", token).json().at("id").as_string().c_str();
  ASSERT_EQ(post(port(), "/research/" + id + "/events", R"({"event":"done"})", token).status, 201);
  std::string const sse = raw_exchange(port(), "GET /research/" + id +
                                                   "/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                                                   "\r\nX-Request-Id: sse-stream-1\r\n\r\n");
  EXPECT_NE(sse.find("X-Request-Id: sse-stream-1\r\n"), std::string::npos) << sse;
  EXPECT_NE(sse.find("event: done"), std::string::npos) << sse;
}

TEST_F(RequestIds, TheAccessLineCarriesTheIdAndTheAuthenticatedPrincipal) {
  start();
  std::string const token = anonymous_session("log-device");
  std::string const principal = principal_of(token);

  ASSERT_EQ(get_with_id(port(), "/auth/whoami", "whoami-1", token).status, 200);
  auto const line = access_line("whoami-1");
  EXPECT_EQ(line.at("msg"), "request");
  EXPECT_EQ(line.at("route"), "/auth/whoami");
  EXPECT_EQ(line.at("status"), 200);
  EXPECT_EQ(line.at("principal_id"), principal.c_str());
  EXPECT_TRUE(line.at("duration_us").is_int64());
  // RFC 3339 UTC with milliseconds, within a few seconds of now.
  std::string const time(line.at("time").as_string());
  ASSERT_TRUE(std::regex_match(time, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)"))) << time;
  EXPECT_LE(std::abs(parse_rfc3339(time.substr(0, 19) + "Z") - static_cast<std::int64_t>(std::time(nullptr))), 5);

  // Authenticated, then refused for another reason: still attributed.
  ASSERT_EQ(get_with_id(port(), "/research/r_missing", "missing-1", token).status, 404);
  EXPECT_EQ(access_line("missing-1").at("principal_id"), principal.c_str());

  // Not authenticated: no principal at all, and a generated id is logged as sent.
  ASSERT_EQ(get_with_id(port(), "/auth/whoami", "anon-1", "gs_" + std::string(43, 'A')).status, 401);
  EXPECT_FALSE(access_line("anon-1").contains("principal_id"));
  auto const health = get(port(), "/health");
  EXPECT_EQ(access_line(health.header("X-Request-Id")).at("route"), "/health");
}

TEST_F(RequestIds, NoSessionTokenApiKeyOrSecretValueAppearsInTheOutput) {
  start({"--log-level", "debug"});
  ASSERT_TRUE(wait_for_jwks_loaded());
  std::string const user = user_session("user_request_log");
  auto const created = post(port(), "/me/keys", R"({"name":"log","scopes":["research.read","secrets.write"]})", user);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string const key = created.json().at("key").as_string().c_str();
  std::string const secret_value = "sk-request-log-canary-9f8e7d6c";

  Headers const by_key{{"X-API-Key", key}, {"X-Request-Id", "by-key"}};
  ASSERT_EQ(http(port(), "GET", "/research", {}, by_key).status, 200);
  ASSERT_EQ(http(port(), "PUT", "/secrets/canary", boost::json::serialize(boost::json::object{{"value", secret_value}}),
                 by_key)
                .status,
            204);
  ASSERT_EQ(http(port(), "GET", "/auth/whoami", {}, {{"Authorization", "API-Key " + key}}).status, 200);
  ASSERT_EQ(get(port(), "/auth/whoami?access_token=" + user).status, 401);  // never logged with its query
  ASSERT_EQ(get(port(), "/auth/bootstrap", user).status, 200);
  ASSERT_EQ(get_with_id(port(), "/research", "by-session", user).status, 200);
  // The key's principal is logged (an id), the key is not.
  EXPECT_EQ(access_line("by-key").at("principal_id"), access_line("by-session").at("principal_id"));
  stop_server();

  std::string const output = server().output();
  for (std::string const& needle : {user, user.substr(3), key, key.substr(3, 43), secret_value}) {
    EXPECT_EQ(output.find(needle), std::string::npos) << "\"" << needle << "\" is in the output:\n" << output;
  }
}

}  // namespace gatehouse::testing
