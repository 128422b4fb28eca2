// The OpenAPI document embedded in the binary (docs/openapi.json): OpenAPI 3.1, every route the
// server registers is documented and every documented operation is served, and every $ref
// points at something in the document.
#include "gatehouse/api/openapi.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/app/components.hpp"
#include "gatehouse/json/strict_json.hpp"

#include "support/temp_dir.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace {

using namespace gatehouse;

boost::json::value document() {
  json::ParseFailure failure;
  auto doc = json::parse_strict(api::openapi_document(), &failure);  // duplicate keys refused too
  if (!doc) ADD_FAILURE() << "docs/openapi.json does not parse: " << failure.reason;
  return doc ? *doc : boost::json::value();
}

// The server's route table, built by the same function the server uses; dev: as with --dev.
std::set<std::pair<std::string, std::string>> served_routes(bool dev = false) {
  gatehouse::testing::TempDir dir;
  app::Config config;
  config.dev = dev;
  config.db_path = dir.path() / "gatehouse.db";
  boost::asio::io_context ioc;
  app::Components components(config, crypto::SecretBox(crypto::SecretBox::Key{}), ioc.get_executor(),
                             ioc.get_executor());
  api::Services& services = components.services;
  api::Router router;
  api::add_all_routes(router, services);
  std::set<std::pair<std::string, std::string>> out;
  for (auto const& [method, pattern] : router.routes()) {
    std::string m(api::to_string(method));
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.emplace(m, pattern);
  }
  return out;
}

std::set<std::pair<std::string, std::string>> documented_operations(boost::json::object const& paths) {
  static std::set<std::string> const methods{"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  std::set<std::pair<std::string, std::string>> out;
  for (auto const& [path, item] : paths) {
    for (auto const& [key, op] : item.as_object()) {
      if (methods.count(std::string(key))) out.emplace(std::string(key), std::string(path));
    }
  }
  return out;
}

// RFC 6901: "~1" is '/', "~0" is '~'.
std::string unescape_pointer_token(std::string_view raw) {
  std::string token;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
      token.push_back(raw[++i] == '1' ? '/' : '~');
    } else {
      token.push_back(raw[i]);
    }
  }
  return token;
}

// Resolves a local JSON pointer ("#/components/schemas/Error"); null when it points nowhere.
boost::json::value const* resolve(boost::json::value const& doc, std::string_view ref) {
  if (ref.substr(0, 2) != "#/") return nullptr;
  boost::json::value const* at = &doc;
  std::string_view rest = ref.substr(2);
  while (at) {
    auto const slash = rest.find('/');
    std::string const token = unescape_pointer_token(rest.substr(0, slash));
    at = at->is_object() ? at->as_object().if_contains(token) : nullptr;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return at;
}

void collect_refs(boost::json::value const& v, std::string const& where, std::vector<std::pair<std::string, std::string>>& out) {
  if (v.is_object()) {
    for (auto const& [k, child] : v.as_object()) {
      if (k == "$ref" && child.is_string()) out.emplace_back(where, std::string(child.as_string()));
      collect_refs(child, where + "/" + std::string(k), out);
    }
  } else if (v.is_array()) {
    std::size_t i = 0;
    for (auto const& child : v.as_array()) collect_refs(child, where + "/" + std::to_string(i++), out);
  }
}

TEST(OpenApi, TheEmbeddedDocumentIsOpenApi31) {
  auto const doc = document();
  ASSERT_TRUE(doc.is_object());
  auto const& o = doc.as_object();
  ASSERT_TRUE(o.contains("openapi") && o.at("openapi").is_string());
  EXPECT_EQ(std::string(o.at("openapi").as_string()).rfind("3.1.", 0), 0u) << o.at("openapi");
  ASSERT_TRUE(o.contains("info") && o.at("info").as_object().contains("title") && o.at("info").as_object().contains("version"));
  auto const& schemes = o.at("components").at("securitySchemes").as_object();
  EXPECT_EQ(schemes.at("sessionToken").at("scheme"), "bearer");
  EXPECT_EQ(schemes.at("apiKeyHeader").at("type"), "apiKey");
  EXPECT_EQ(schemes.at("apiKeyHeader").at("in"), "header");
  EXPECT_EQ(schemes.at("apiKeyHeader").at("name"), "X-API-Key");
  auto const& error = o.at("components").at("schemas").at("Error").as_object();
  auto const& required = error.at("required").as_array();
  EXPECT_NE(std::find(required.begin(), required.end(), boost::json::value("detail")), required.end());
  EXPECT_NE(std::find(required.begin(), required.end(), boost::json::value("code")), required.end());
}

TEST(OpenApi, EveryServedRouteIsDocumentedAndEveryDocumentedOperationIsServed) {
  auto const doc = document();
  ASSERT_TRUE(doc.is_object());
  auto const documented = documented_operations(doc.at("paths").as_object());
  auto const served = served_routes();
  ASSERT_FALSE(served.empty());
  for (auto const& [method, path] : served) {
    EXPECT_TRUE(documented.count({method, path})) << method << " " << path << " is served but not in docs/openapi.json";
  }
  for (auto const& [method, path] : documented) {
    EXPECT_TRUE(served.count({method, path})) << method << " " << path << " is in docs/openapi.json but not served";
  }
}

// The browser example under /dev/ is a development aid, not part of the API: it is left out of
// the document on purpose, and --dev may add nothing else.
TEST(OpenApi, DevModeAddsOnlyTheUndocumentedBrowserExampleUnderDev) {
  auto const doc = document();
  ASSERT_TRUE(doc.is_object());
  auto const documented = documented_operations(doc.at("paths").as_object());
  auto const production = served_routes(false);
  auto const dev = served_routes(true);
  std::set<std::pair<std::string, std::string>> added;
  for (auto const& route : dev) {
    if (!production.count(route)) added.insert(route);
  }
  EXPECT_EQ(added.size(), 3u);
  for (auto const& [method, path] : added) {
    EXPECT_EQ(method, "get") << path;
    EXPECT_TRUE(path == "/dev" || path.rfind("/dev/", 0) == 0) << path << " is added by --dev outside /dev/";
    EXPECT_FALSE(documented.count({method, path})) << path << " is dev-only and must stay out of docs/openapi.json";
  }
  for (auto const& route : production) EXPECT_TRUE(dev.count(route)) << route.second << " disappears with --dev";
}

TEST(OpenApi, EveryOperationHasAnIdResponsesAndDeclaredSecurity) {
  auto const doc = document();
  ASSERT_TRUE(doc.is_object());
  auto const& schemes = doc.at("components").at("securitySchemes").as_object();
  std::set<std::string> ids;
  for (auto const& [method, path] : documented_operations(doc.at("paths").as_object())) {
    auto const& op = doc.at("paths").at(path).at(method).as_object();
    ASSERT_TRUE(op.contains("operationId")) << method << " " << path;
    EXPECT_TRUE(ids.insert(std::string(op.at("operationId").as_string())).second) << "duplicate operationId";
    EXPECT_FALSE(op.at("responses").as_object().empty()) << method << " " << path;
    ASSERT_TRUE(op.contains("security")) << method << " " << path << ": say who may call it, even if nobody needs to";
    for (auto const& requirement : op.at("security").as_array()) {
      for (auto const& [scheme, scopes] : requirement.as_object()) {
        EXPECT_TRUE(schemes.contains(scheme)) << method << " " << path << " names unknown scheme " << scheme;
      }
    }
  }
}

TEST(OpenApi, EveryRefResolves) {
  auto const doc = document();
  ASSERT_TRUE(doc.is_object());
  std::vector<std::pair<std::string, std::string>> refs;
  collect_refs(doc, "", refs);
  EXPECT_GT(refs.size(), 20u);
  for (auto const& [where, ref] : refs) {
    EXPECT_NE(resolve(doc, ref), nullptr) << where << ": $ref " << ref << " does not resolve";
  }
}

}  // namespace
