// The shortest path through the service: if this fails, nothing else will pass.
#include "support/gatehouse_fixture.hpp"

namespace gatehouse::testing {

class Smoke : public GatehouseTest {};

TEST_F(Smoke, HealthAnswersOk) {
  start();
  auto const res = get(port(), "/health");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"status":"ok"})");
  EXPECT_EQ(res.header("Content-Type"), "application/json");
}

TEST_F(Smoke, ClerkJwtExchangesForASessionThatWhoamiRecognises) {
  start();
  std::string const token = user_session("user_smoke");
  auto const res = get(port(), "/auth/whoami", token);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json().at("kind").as_string(), "user");
}

}  // namespace gatehouse::testing
