// The browser example under /dev/: served from the binary only with --dev, with a policy that
// keeps the page to its own files and its own server. (tests/e2e/browser_test.cpp drives it.)
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

namespace gatehouse::testing {

namespace {

std::string example_file(std::string const& name) {
  return read_file(std::filesystem::path(GATEHOUSE_SOURCE_DIR) / "examples" / "browser" / name);
}

bool contains(std::string const& text, std::string const& part) { return text.find(part) != std::string::npos; }

}  // namespace

class DevPage : public GatehouseTest {};

TEST_F(DevPage, DoesNotExistWithoutDev) {
  start();
  for (std::string const path : {"/dev", "/dev/", "/dev/index.html", "/dev/app.js", "/dev/style.css"}) {
    EXPECT_TRUE(IsError(get(port(), path), 404, "Not found")) << path;
  }
}

TEST_F(DevPage, ServesTheExampleFilesAsKeptInTheRepositoryWithDev) {
  start({"--dev"});
  auto const page = get(port(), "/dev/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.body, example_file("index.html"));

  auto const script = get(port(), "/dev/app.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.body, example_file("app.js"));

  auto const style = get(port(), "/dev/style.css");
  EXPECT_EQ(style.status, 200);
  EXPECT_EQ(style.header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(style.body, example_file("style.css"));

  EXPECT_EQ(get(port(), "/dev/index.html").body, page.body);
  EXPECT_TRUE(IsError(get(port(), "/dev/missing.js"), 404, "Not found"));
  EXPECT_TRUE(IsError(get(port(), "/dev/..%2Fgatehouse-dev-key.pem"), 404, "Not found"));
}

TEST_F(DevPage, WithoutTheTrailingSlashRedirectsToThePage) {
  start({"--dev"});
  auto const res = get(port(), "/dev");
  EXPECT_EQ(res.status, 308);
  EXPECT_EQ(res.header("Location"), "/dev/");
}

TEST_F(DevPage, CarriesAStrictContentSecurityPolicyAndTheUsualSecurityHeaders) {
  start({"--dev"});
  std::string const host = "127.0.0.1:" + std::to_string(port());
  for (std::string const path : {"/dev/", "/dev/app.js", "/dev/style.css"}) {
    auto const res = get(port(), path);
    std::string const csp = res.header("Content-Security-Policy");
    EXPECT_TRUE(contains(csp, "default-src 'none'")) << csp;
    EXPECT_TRUE(contains(csp, "script-src 'self';")) << csp;
    EXPECT_TRUE(contains(csp, "style-src 'self';")) << csp;
    EXPECT_TRUE(contains(csp, "connect-src 'self' ws://" + host + " wss://" + host + ";")) << csp;
    EXPECT_TRUE(contains(csp, "frame-ancestors 'none'")) << csp;
    EXPECT_FALSE(contains(csp, "unsafe")) << csp;
    EXPECT_EQ(res.header("X-Frame-Options"), "DENY") << path;
    EXPECT_EQ(res.header("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(res.header("Referrer-Policy"), "no-referrer") << path;
    EXPECT_EQ(res.header("Cross-Origin-Opener-Policy"), "same-origin") << path;
    EXPECT_EQ(res.header("Cache-Control"), "no-store") << path;
  }
}

TEST_F(DevPage, AHostHeaderThatIsNotAPlainHostNeverReachesThePolicy) {
  start({"--dev"});
  auto const res = http(port(), "GET", "/dev/", {}, {{"Host", "evil.example; script-src *"}});
  EXPECT_EQ(res.status, 200);
  std::string const csp = res.header("Content-Security-Policy");
  EXPECT_TRUE(contains(csp, "connect-src 'self';")) << csp;
  EXPECT_FALSE(contains(csp, "evil")) << csp;
  EXPECT_FALSE(contains(csp, "script-src *")) << csp;
}

}  // namespace gatehouse::testing
