// CORS: only origins on --cors-origins are echoed (answers, errors, preflights and the event
// stream); any other origin gets no CORS header, and credentials are never allowed by cookie.
#include "stream_test_support.hpp"

namespace gatehouse::testing {

namespace {

constexpr char const* app = "https://app.example.com";
constexpr char const* evil = "https://evil.example.net";

HttpResponse preflight(std::uint16_t port, std::string const& origin, std::string const& path = "/research") {
  return http(port, "OPTIONS", path, {},
              {{"Origin", origin}, {"Access-Control-Request-Method", "POST"},
               {"Access-Control-Request-Headers", "authorization, content-type"}});
}

}  // namespace

class Cors : public GatehouseTest {};

TEST_F(Cors, AnAllowedOriginGetsPreflightAndResponseHeaders) {
  start({"--cors-origins", std::string(app) + ",http://localhost:5173"});
  auto const pre = preflight(port(), app);
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.header("Access-Control-Allow-Origin"), app);
  EXPECT_NE(pre.header("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(pre.header("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
  EXPECT_NE(pre.header("Access-Control-Allow-Headers").find("X-API-Key"), std::string::npos);
  EXPECT_EQ(pre.header("Access-Control-Allow-Credentials"), "");

  std::string const token = anonymous_session("cors-device");
  auto const res = http(port(), "GET", "/auth/whoami", {}, {{"Origin", app}, {"Authorization", "Bearer " + token}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Access-Control-Allow-Origin"), app);
  EXPECT_EQ(res.header("Vary"), "Origin");
  EXPECT_NE(res.header("Access-Control-Expose-Headers").find("Retry-After"), std::string::npos);
  // A page can read why it was refused.
  auto const refused = http(port(), "GET", "/auth/whoami", {}, {{"Origin", app}});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.header("Access-Control-Allow-Origin"), app);
  // The second listed origin works too.
  EXPECT_EQ(preflight(port(), "http://localhost:5173").header("Access-Control-Allow-Origin"), "http://localhost:5173");

  // EventSource is a CORS request as well: the stream's head carries the header.
  std::string const research = create_research(port(), token);
  Headers sse_headers = bearer(token);
  sse_headers.emplace_back("Origin", app);
  SseClient sse(port(), events_path(research), sse_headers);
  ASSERT_EQ(sse.status(), 200);
  EXPECT_EQ(sse.header("Access-Control-Allow-Origin"), app);
  EXPECT_EQ(sse.header("Content-Type"), "text/event-stream");
}

TEST_F(Cors, AnyOtherOriginGetsNoCorsHeaders) {
  start({"--cors-origins", app});
  auto const pre = preflight(port(), evil);
  EXPECT_EQ(pre.status, 403);
  EXPECT_EQ(pre.detail(), "Origin not allowed");
  EXPECT_EQ(pre.header("Access-Control-Allow-Origin"), "");
  auto const res = http(port(), "GET", "/health", {}, {{"Origin", evil}});
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Access-Control-Allow-Origin"), "");
  // Look-alikes are other origins.
  for (std::string const o : {"https://app.example.com.evil.net", "http://app.example.com", "https://APP.example.com",
                              "https://app.example.com/", "null"}) {
    EXPECT_EQ(http(port(), "GET", "/health", {}, {{"Origin", o}}).header("Access-Control-Allow-Origin"), "") << o;
  }
}

TEST_F(Cors, WithoutAListNothingIsCrossOrigin) {
  start();
  EXPECT_EQ(preflight(port(), app).status, 403);
  auto const res = http(port(), "GET", "/health", {}, {{"Origin", app}});
  EXPECT_EQ(res.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(res.header("Vary"), "");
  // A plain OPTIONS (no preflight) is still a 405 with Allow.
  EXPECT_EQ(http(port(), "OPTIONS", "/health").status, 405);
}

}  // namespace gatehouse::testing
