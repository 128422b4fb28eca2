// Routing: literal segments and {param} segments, 405 with the methods that would match, and
// the request's query string kept out of routing and decoded on demand.
#include "gatehouse/api/dispatcher.hpp"
#include "gatehouse/api/request.hpp"
#include "gatehouse/api/router.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace {

namespace asio = boost::asio;
using namespace gatehouse::api;

// Capture-less coroutine handlers (see the note on GCC 12 in the test guide): each answers
// with what it saw, so a test can tell which route ran.
asio::awaitable<Response> echo_route(Request const& req, PathParams const& params) {
  boost::json::object body;
  body["path"] = req.path;
  if (params.size() > 0) body["p0"] = params[0];
  if (auto t = req.query_param("ticket")) body["ticket"] = *t;
  co_return json_response(200, body);
}

Router make_router() {
  Router r;
  r.add(Method::get, "/health", echo_route);
  r.add(Method::post, "/research", echo_route);
  r.add(Method::get, "/research", echo_route);
  r.add(Method::get, "/research/{id}", echo_route);
  r.add(Method::post, "/research/{id}/events", echo_route);
  r.add(Method::get, "/research/{id}/events", echo_route);
  r.add(Method::del, "/auth/sessions", echo_route);
  r.add(Method::del, "/auth/sessions/{id}", echo_route);
  r.add(Method::put, "/secrets/{name}", echo_route);
  r.add(Method::del, "/secrets/{name}", echo_route);
  return r;
}

std::set<std::string> split_allowed(std::string const& allowed) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= allowed.size()) {
    auto const comma = allowed.find(", ", start);
    out.insert(allowed.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return out;
}

TEST(Router, ALiteralPathMatchesItsRoute) {
  Router const r = make_router();
  auto m = r.match(Method::get, "/health");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(m.pattern, "/health");
  EXPECT_EQ(m.params.size(), 0u);
}

TEST(Router, TheMethodSelectsAmongRoutesOfOnePath) {
  Router const r = make_router();
  EXPECT_EQ(r.match(Method::get, "/research").pattern, "/research");
  EXPECT_TRUE(r.match(Method::get, "/research").handler);
  EXPECT_TRUE(r.match(Method::post, "/research").handler);
  EXPECT_NE(r.match(Method::get, "/research").handler, r.match(Method::post, "/research").handler);
}

TEST(Router, AParamSegmentCapturesItsValue) {
  Router const r = make_router();
  auto m = r.match(Method::get, "/research/r_123");
  ASSERT_TRUE(m.handler);
  EXPECT_EQ(m.pattern, "/research/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], "r_123");

  auto events = r.match(Method::post, "/research/r_9/events");
  ASSERT_TRUE(events.handler);
  EXPECT_EQ(events.pattern, "/research/{id}/events");
  EXPECT_EQ(events.params[0], "r_9");
}

TEST(Router, LiteralSegmentsMustMatchExactly) {
  Router const r = make_router();
  EXPECT_FALSE(r.match(Method::get, "/Health").handler);
  EXPECT_FALSE(r.match(Method::get, "/healthz").handler);
  EXPECT_FALSE(r.match(Method::get, "/research/r_1/event").handler);
  EXPECT_FALSE(r.match(Method::get, "/research/r_1/events/more").handler);
  EXPECT_FALSE(r.match(Method::get, "").handler);
  EXPECT_FALSE(r.match(Method::get, "health").handler);
}

TEST(Router, AnotherMethodOnAnExistingPathListsTheAllowedMethods) {
  Router const r = make_router();
  auto m = r.match(Method::patch, "/research");
  EXPECT_FALSE(m.handler);
  EXPECT_EQ(split_allowed(m.allowed), (std::set<std::string>{"GET", "POST"}));

  auto p = r.match(Method::get, "/secrets/openai");
  EXPECT_FALSE(p.handler);
  EXPECT_EQ(split_allowed(p.allowed), (std::set<std::string>{"PUT", "DELETE"}));
}

TEST(Router, AnUnknownPathHasNoAllowedMethods) {
  Router const r = make_router();
  auto m = r.match(Method::get, "/nope");
  EXPECT_FALSE(m.handler);
  EXPECT_TRUE(m.allowed.empty());
}

TEST(Router, ATrailingSlashDoesNotMatch) {
  Router const r = make_router();
  for (auto path : {"/health/", "/research/", "/research/r_1/", "/research/r_1/events/", "/secrets/"}) {
    auto m = r.match(Method::get, path);
    EXPECT_FALSE(m.handler) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(Router, AnEmptySegmentIsNotAParamValue) {
  Router const r = make_router();
  for (auto path : {"/research//events", "//events", "/secrets/", "/auth/sessions/"}) {
    EXPECT_FALSE(r.match(Method::post, path).handler) << path;
    EXPECT_FALSE(r.match(Method::del, path).handler) << path;
    EXPECT_FALSE(r.match(Method::put, path).handler) << path;
  }
  EXPECT_FALSE(r.match(Method::get, "//health").handler);
}

TEST(Router, RejectsMalformedPatterns) {
  Router r;
  EXPECT_THROW(r.add(Method::get, "no-leading-slash", echo_route), std::invalid_argument);
  EXPECT_THROW(r.add(Method::get, "/{a}/{b}/{c}/{d}/{e}", echo_route), std::invalid_argument);
}

// ---- Dispatch: routing sees the path only ----------------------------------------------------

asio::awaitable<void> dispatch_into(Router const& router, Request req, Response& out) {
  Dispatcher d(router);
  out = co_await d.dispatch(req);
}

Response dispatch(Router const& router, Request const& req) {
  Response out;
  asio::io_context io;
  asio::co_spawn(io, dispatch_into(router, req, out), asio::detached);
  io.run();
  return out;
}

TEST(Dispatch, TheQueryStringDoesNotAffectRouting) {
  Router const r = make_router();
  Request req;
  req.method = Method::get;
  req.path = "/research/r_1";
  req.query = "ticket=gt_abc&last_event_id=4";
  Response res = dispatch(r, req);
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(std::string(body["p0"].as_string()), "r_1");
  EXPECT_EQ(std::string(body["ticket"].as_string()), "gt_abc");
}

TEST(Dispatch, AnotherMethodIs405WithAnAllowHeader) {
  Router const r = make_router();
  Request req;
  req.method = Method::del;
  req.path = "/research";
  Response res = dispatch(r, req);
  EXPECT_EQ(res.status, 405);
  auto allow = std::find_if(res.headers.begin(), res.headers.end(), [](auto const& h) { return h.first == "Allow"; });
  ASSERT_NE(allow, res.headers.end());
  EXPECT_EQ(split_allowed(allow->second), (std::set<std::string>{"GET", "POST"}));
}

TEST(Dispatch, AnUnknownPathIs404) {
  Router const r = make_router();
  Request req;
  req.method = Method::get;
  req.path = "/research/r_1/";
  EXPECT_EQ(dispatch(r, req).status, 404);
}

// ---- Query parameters -----------------------------------------------------------------------

std::optional<std::string> param(std::string_view query, std::string_view name) {
  Request req;
  req.query = query;
  return req.query_param(name);
}

TEST(QueryParam, FindsANamedParameter) {
  EXPECT_EQ(param("a=1&b=2&c=3", "b"), "2");
  EXPECT_EQ(param("a=1", "a"), "1");
  EXPECT_EQ(param("a=1&b=2", "c"), std::nullopt);
  EXPECT_EQ(param("", "a"), std::nullopt);
  EXPECT_EQ(param("ab=1", "a"), std::nullopt);
}

TEST(QueryParam, TheFirstValueWins) { EXPECT_EQ(param("a=1&a=2", "a"), "1"); }

TEST(QueryParam, AParameterWithoutAValueIsEmpty) {
  EXPECT_EQ(param("flag&a=1", "flag"), "");
  EXPECT_EQ(param("flag=", "flag"), "");
}

TEST(QueryParam, ValuesArePercentDecoded) {
  EXPECT_EQ(param("t=hello%20world", "t"), "hello world");
  EXPECT_EQ(param("t=a+b", "t"), "a b");
  EXPECT_EQ(param("t=%2Fx%2fy", "t"), "/x/y");
  EXPECT_EQ(param("t=%41", "t"), "A");
  EXPECT_EQ(param("t=%3D%26", "t"), "=&");
  EXPECT_EQ(param("t=a=b", "t"), "a=b");
}

TEST(QueryParam, DecodingHappensOnce) { EXPECT_EQ(param("t=%2541", "t"), "%41"); }

TEST(QueryParam, AnInvalidEscapeIsNotDecodable) {
  EXPECT_EQ(param("t=%", "t"), std::nullopt);
  EXPECT_EQ(param("t=%4", "t"), std::nullopt);
  EXPECT_EQ(param("t=abc%4", "t"), std::nullopt);
  EXPECT_EQ(param("t=%zz", "t"), std::nullopt);
  EXPECT_EQ(param("t=%G1", "t"), std::nullopt);
  EXPECT_EQ(param("t=%%41", "t"), std::nullopt);
  // Another parameter's bad escape is not this one's problem.
  EXPECT_EQ(param("x=%zz&t=ok", "t"), "ok");
}

}  // namespace
