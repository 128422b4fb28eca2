// GET /openapi.json serves docs/openapi.json as it is in the repository (embedded at build time).
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

namespace gatehouse::testing {

class OpenApiDocument : public GatehouseTest {};

TEST_F(OpenApiDocument, IsServedUnauthenticatedExactlyAsKeptInTheRepository) {
  start();
  auto const res = get(port(), "/openapi.json");
  ASSERT_TRUE(IsJson(res));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, read_file(std::filesystem::path(GATEHOUSE_SOURCE_DIR) / "docs" / "openapi.json"));
  EXPECT_EQ(res.json().at("openapi").as_string().subview().substr(0, 4), "3.1.");
}

}  // namespace gatehouse::testing
