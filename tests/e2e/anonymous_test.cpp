// POST /auth/anonymous: a session for a device, no sign-in; one principal per device.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include <set>
#include <thread>

namespace gatehouse::testing {

class Anonymous : public GatehouseTest {
 protected:
  void SetUp() override { start(); }

  std::int64_t count(std::string const& table) const { return *db_int("SELECT count(*) FROM " + table); }
};

TEST_F(Anonymous, DeviceIdExchangesForASessionToken) {
  auto const res = post(port(), "/auth/anonymous", R"({"device_id":"device-1"})");
  ASSERT_EQ(res.status, 200) << res.body;
  ASSERT_TRUE(IsJson(res));
  auto const body = res.json();
  EXPECT_EQ(str(body, "token").rfind("gs_", 0), 0u);
  EXPECT_EQ(num(body, "expires_in"), 1800);
  EXPECT_FALSE(str(body, "principal_id").empty());

  auto const who = get(port(), "/auth/whoami", str(body, "token"));
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(str(who.json(), "kind"), "anonymous");
  EXPECT_EQ(str(who.json(), "principal_id"), str(body, "principal_id"));
}

TEST_F(Anonymous, SameDeviceReusesThePrincipal) {
  std::string const a = anonymous_session("device-same");
  std::string const b = anonymous_session("device-same");
  EXPECT_NE(a, b);
  EXPECT_EQ(principal_of(a), principal_of(b));
  EXPECT_EQ(count("principals"), 1);
}

TEST_F(Anonymous, DifferentDevicesGetDifferentPrincipals) {
  EXPECT_NE(principal_of(anonymous_session("device-a")), principal_of(anonymous_session("device-b")));
}

TEST_F(Anonymous, ConcurrentFirstCallsForOneDeviceShareOnePrincipal) {
  constexpr int callers = 10;
  std::vector<HttpResponse> results(callers);
  std::vector<std::thread> threads;
  for (int i = 0; i < callers; ++i) {
    threads.emplace_back(
        [&, i] { results[static_cast<std::size_t>(i)] = post(port(), "/auth/anonymous", R"({"device_id":"stampede"})"); });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> principals, tokens;
  for (auto const& res : results) {
    ASSERT_EQ(res.status, 200) << res.body;
    principals.insert(str(res.json(), "principal_id"));
    tokens.insert(str(res.json(), "token"));
  }
  EXPECT_EQ(principals.size(), 1u);
  EXPECT_EQ(tokens.size(), static_cast<std::size_t>(callers));
  EXPECT_EQ(count("principals"), 1);
}

TEST_F(Anonymous, MissingDeviceIdIsDeviceIdRequired) {
  EXPECT_TRUE(IsError(post(port(), "/auth/anonymous", "{}"), 422, "device_id required"));
  EXPECT_TRUE(IsError(post(port(), "/auth/anonymous", R"({"device":"x"})"), 422, "device_id required"));
}

TEST_F(Anonymous, EmptyDeviceIdIsDeviceIdRequired) {
  EXPECT_TRUE(IsError(post(port(), "/auth/anonymous", R"({"device_id":""})"), 422, "device_id required"));
}

TEST_F(Anonymous, NonStringDeviceIdIsDeviceIdRequired) {
  for (std::string const body : {R"({"device_id":42})", R"({"device_id":null})", R"({"device_id":["x"]})",
                                 R"({"device_id":{"id":"x"}})", R"({"device_id":true})"}) {
    EXPECT_TRUE(IsError(post(port(), "/auth/anonymous", body), 422, "device_id required")) << body;
  }
}

TEST_F(Anonymous, EmptyBodyIsDeviceIdRequired) {
  EXPECT_TRUE(IsError(post(port(), "/auth/anonymous", ""), 422, "device_id required"));
}

TEST_F(Anonymous, OverlongOrControlCharacterDeviceIdIsA422) {
  for (std::string const& body : std::vector<std::string>{R"({"device_id":")" + std::string(300, 'd') + R"("})", R"({"device_id":"a\nb"})",
                                 R"({"device_id":"a\u0000b"})"}) {
    auto const res = post(port(), "/auth/anonymous", body);
    EXPECT_EQ(res.status, 422) << body;
    EXPECT_TRUE(IsJson(res));
    EXPECT_FALSE(res.detail().empty());
  }
  EXPECT_EQ(count("principals"), 0);
}

TEST_F(Anonymous, InvalidJsonIsA422ThatSaysJson) {
  for (std::string const body : {R"({"device_id":)", "device_id=abc", R"({"device_id":"a",})", "{'device_id':'a'}"}) {
    auto const res = post(port(), "/auth/anonymous", body);
    EXPECT_EQ(res.status, 422) << body;
    EXPECT_TRUE(IsJson(res));
    EXPECT_NE(res.detail().find("JSON"), std::string::npos) << body << " -> " << res.detail();
  }
}

TEST_F(Anonymous, NothingIsWrittenOnA422) {
  anonymous_session("device-existing");
  std::int64_t const principals = count("principals");
  std::int64_t const sessions = count("sessions");
  for (std::string const body : {"", "{}", R"({"device_id":""})", R"({"device_id":7})", R"({"device_id":)", "[1]"}) {
    ASSERT_EQ(post(port(), "/auth/anonymous", body).status, 422) << body;
  }
  EXPECT_EQ(count("principals"), principals);
  EXPECT_EQ(count("sessions"), sessions);
}

}  // namespace gatehouse::testing
