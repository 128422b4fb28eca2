#include "gatehouse/api/whoami_body.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <memory>

using namespace gatehouse;

namespace {

auth::SessionPtr session(std::string id, std::string principal, store::PrincipalKind kind, UnixSeconds expires_at) {
  auto s = std::make_shared<auth::Session>();
  s->id = std::move(id);
  s->principal_id = std::move(principal);
  s->kind = kind;
  s->expires_at = expires_at;
  return s;
}

auth::ApiKeyPtr api_key(std::string id, std::string user, auth::Scopes scopes, std::optional<UnixSeconds> expires_at) {
  auto k = std::make_shared<auth::ApiKey>();
  k->id = std::move(id);
  k->user_id = std::move(user);
  k->scopes = scopes;
  k->expires_at = expires_at;
  return k;
}

}  // namespace

TEST(WhoamiBody, ASessionCarriesEveryScope) {
  auto const caller =
      auth::Caller::of_session(session("s_01", "p_anon", store::PrincipalKind::anonymous, 1'000'000 + 1800));
  EXPECT_EQ(api::whoami_body(caller, 1'000'000),
            R"({"principal_id":"p_anon","kind":"anonymous","session_id":"s_01","expires_in":1800,)"
            R"("credential":"session","api_key_id":null,)"
            R"("scopes":["research.read","research.write","secrets.write","sessions.read"]})");
}

TEST(WhoamiBody, AnApiKeyWithoutExpiryHasNoSessionAndItsOwnScopes) {
  auth::Scopes scopes;
  scopes.add(auth::Scope::sessions_read);
  scopes.add(auth::Scope::research_read);
  auto const caller = auth::Caller::of_api_key(api_key("k_01", "p_user", scopes, std::nullopt));
  EXPECT_EQ(api::whoami_body(caller, 1'000'000),
            R"({"principal_id":"p_user","kind":"user","session_id":null,"expires_in":null,)"
            R"("credential":"api_key","api_key_id":"k_01","scopes":["research.read","sessions.read"]})");
}

TEST(WhoamiBody, IdsAreEscapedAndTheBodyIsValidJson) {
  // Ids are ours and plain, but the writer must not depend on it.
  auto const caller = auth::Caller::of_session(session("s_\"x\\", "p_\n", store::PrincipalKind::user, 10));
  auto const doc = boost::json::parse(api::whoami_body(caller, 4)).as_object();
  EXPECT_EQ(doc.at("session_id").as_string(), "s_\"x\\");
  EXPECT_EQ(doc.at("principal_id").as_string(), "p_\n");
  EXPECT_EQ(doc.at("expires_in").as_int64(), 6);
}
