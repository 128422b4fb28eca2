// The browser example in a real browser: the real server with --dev, Debian's headless Chromium
// driven by tests/browser/drive.mjs (playwright-core). The page signs in anonymously, opens an
// EventSource and a WebSocket, and posts events; this test posts one more over HTTP as the same
// device, and the script waits for every event to appear in both lists. Screenshots are kept
// in <build>/test-artifacts/browser/.
//
// Needs node, /usr/bin/chromium and tests/browser/node_modules (./tools/install-deps and the
// browser_npm_ci ctest fixture provide them). Missing, the test skips locally and fails in CI.
#include "e2e/expectations.hpp"
#include "support/child_process.hpp"
#include "support/gatehouse_fixture.hpp"

#include "gatehouse/auth/opaque_token.hpp"

#include <cstdlib>
#include <filesystem>
#include <regex>

#include <unistd.h>

namespace gatehouse::testing {

namespace {

std::filesystem::path const browser_dir = std::filesystem::path(GATEHOUSE_SOURCE_DIR) / "tests" / "browser";

std::string chromium_path() {
  char const* configured = std::getenv("GATEHOUSE_CHROMIUM");
  return configured && *configured ? configured : "/usr/bin/chromium";
}

// What the browser test needs that is not there; empty when everything is.
std::string missing_prerequisites() {
  std::string missing;
  if (find_on_path("node").empty()) missing += " node (./tools/install-deps installs it);";
  if (::access(chromium_path().c_str(), X_OK) != 0) missing += " " + chromium_path() + " (./tools/install-deps installs chromium);";
  if (!std::filesystem::exists(browser_dir / "node_modules" / "playwright-core" / "package.json")) {
    missing += " playwright-core (tests/browser/npm-ci, the browser_npm_ci ctest fixture, installs it);";
  }
  return missing;
}

bool in_ci() {
  char const* ci = std::getenv("CI");
  return ci && std::string_view(ci) == "true";
}

}  // namespace

class Browser : public GatehouseTest {
 protected:
  void SetUp() override {
    std::string const missing = missing_prerequisites();
    if (missing.empty()) return;
    // CI must prove the browser path, so a missing piece there is a failure, never a skip.
    if (in_ci()) FAIL() << "CI=true and the browser test cannot run; missing:" << missing;
    GTEST_SKIP() << "browser test skipped; missing:" << missing;
  }
};

TEST_F(Browser, EventsPostedFromThePageAndOverHttpAppearLiveInBothStreamLists) {
  start({"--dev"});
  auto const screenshots = std::filesystem::path(GATEHOUSE_TEST_ARTIFACTS_DIR) / "browser";
  std::filesystem::remove_all(screenshots);

  ChildProcess driver({"node", (browser_dir / "drive.mjs").string(), "--base-url",
                       "http://127.0.0.1:" + std::to_string(port()), "--screenshots", screenshots.string(),
                       "--expect-from-test"},
                      {"GATEHOUSE_CHROMIUM=" + chromium_path()});

  // The page's streams are open and its first event arrived in both lists.
  ASSERT_TRUE(driver.wait_for_output("ready research=", std::chrono::seconds(60))) << driver.output();
  std::smatch match;
  std::string const out = driver.output();
  std::regex const ready(R"(ready research=(\S+) device=(\S+))");
  ASSERT_TRUE(std::regex_search(out, match, ready)) << out;
  std::string const research_id = match[1].str();
  std::string const device_id = match[2].str();

  // The same device signs in here, so it is the same anonymous principal: the research is its own.
  std::string const token = anonymous_session(device_id);
  auto const posted = post(port(), "/research/" + research_id + "/events",
                           R"({"event":"progress","data":{"from":"test"}})", token);
  ASSERT_EQ(posted.status, 201) << posted.body;
  EXPECT_EQ(posted.json().at("seq").as_int64(), 2);

  auto const status = driver.wait(std::chrono::seconds(60));
  ASSERT_TRUE(status.has_value()) << "drive.mjs did not finish in time:\n" << driver.output();
  EXPECT_EQ(*status, 0) << driver.output();
  EXPECT_NE(driver.output().find("ok: 3 events arrived in both lists"), std::string::npos) << driver.output();

  for (char const* shot : {"01-loaded.png", "02-signed-in.png", "03-live-events.png"}) {
    auto const file = screenshots / shot;
    EXPECT_TRUE(std::filesystem::exists(file) && std::filesystem::file_size(file) > 1000) << file;
  }
  // The page's streams presented tickets in their URLs; neither they nor any session token
  // reached the server's log.
  std::string const log = server().output();
  EXPECT_EQ(log.find(auth::session_token_prefix), std::string::npos) << log;
  EXPECT_EQ(log.find(auth::stream_ticket_prefix), std::string::npos) << log;
}

}  // namespace gatehouse::testing
