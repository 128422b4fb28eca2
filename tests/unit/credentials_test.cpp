// The credential extractor: one credential per request, in one order (X-API-Key, then the
// Authorization header, then ?ticket=, then ?access_token=), each classified by its shape.
#include "gatehouse/auth/api_key_format.hpp"
#include "gatehouse/auth/credentials.hpp"
#include "gatehouse/auth/opaque_token.hpp"

#include <gtest/gtest.h>

namespace {

using namespace gatehouse::auth;

std::string const session = mint_opaque_token(session_token_prefix).text;
std::string const key = mint_api_key("gk_").text;
std::string const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2ln";

PresentedCredentials with_authorization(std::string_view value) {
  PresentedCredentials p;
  p.authorization = value;
  return p;
}

TEST(Credentials, ABearerTokenIsClassifiedByItsShape) {
  EXPECT_EQ(classify_token(session, "gk_"), CredentialKind::session_token);
  EXPECT_EQ(classify_token(key, "gk_"), CredentialKind::api_key);
  EXPECT_EQ(classify_token(jwt, "gk_"), CredentialKind::clerk_jwt);
  EXPECT_EQ(classify_token("garbage", "gk_"), CredentialKind::malformed);
  // The current prefix marks a key even when broken (so it gets "invalid api key"); a whole key
  // of an earlier prefix is still a key.
  EXPECT_EQ(classify_token("gk_nonsense", "gk_"), CredentialKind::api_key);
  EXPECT_EQ(classify_token(mint_api_key("old_").text, "gk_"), CredentialKind::api_key);
}

TEST(Credentials, EachHeaderFormIsFound) {
  std::string const bearer = "Bearer " + session;
  auto const c = extract_credential(with_authorization(bearer), "gk_");
  EXPECT_EQ(c.kind, CredentialKind::session_token);
  EXPECT_EQ(c.source, CredentialSource::authorization_bearer);
  EXPECT_EQ(c.token, session);

  std::string const api_key = "api-key " + key;
  auto const k = extract_credential(with_authorization(api_key), "gk_");
  EXPECT_EQ(k.kind, CredentialKind::api_key);
  EXPECT_EQ(k.source, CredentialSource::authorization_api_key);
  EXPECT_EQ(k.token, key);

  PresentedCredentials x;
  x.api_key = key;
  EXPECT_EQ(extract_credential(x, "gk_").source, CredentialSource::x_api_key);
}

TEST(Credentials, XApiKeyWinsOverAuthorizationWhichWinsOverTheQuery) {
  std::string const bearer = "Bearer " + session;
  PresentedCredentials p;
  p.authorization = bearer;
  p.api_key = key;
  p.ticket = "gt_ticket";
  p.access_token = session;
  EXPECT_EQ(extract_credential(p, "gk_").source, CredentialSource::x_api_key);
  p.api_key = {};
  EXPECT_EQ(extract_credential(p, "gk_").source, CredentialSource::authorization_bearer);
  p.authorization = {};
  EXPECT_EQ(extract_credential(p, "gk_").kind, CredentialKind::stream_ticket);
  p.ticket.reset();
  auto const q = extract_credential(p, "gk_");
  EXPECT_EQ(q.source, CredentialSource::access_token_query);
  EXPECT_EQ(q.kind, CredentialKind::session_token);
}

TEST(Credentials, AnAuthorizationOfAnotherSchemeIsPresentedButNoCredential) {
  PresentedCredentials p = with_authorization("Basic YWxhZGRpbjpvcGVuc2VzYW1l");
  p.ticket = "gt_ticket";  // cannot stand in for the header
  auto const c = extract_credential(p, "gk_");
  EXPECT_EQ(c.kind, CredentialKind::none);
  EXPECT_EQ(c.source, CredentialSource::authorization_other);
}

TEST(Credentials, XUseApiKeyIsCarriedTrimmedOnlyWithHeaderCredentials) {
  std::string const bearer = "Bearer " + session;
  PresentedCredentials p = with_authorization(bearer);
  p.use_api_key = "  k_1 ";
  EXPECT_EQ(extract_credential(p, "gk_").use_api_key, "k_1");
  p.authorization = {};
  p.access_token = session;
  EXPECT_EQ(extract_credential(p, "gk_").use_api_key, "");
}

TEST(Credentials, NothingPresentedIsNone) {
  auto const c = extract_credential(PresentedCredentials{}, "gk_");
  EXPECT_EQ(c.kind, CredentialKind::none);
  EXPECT_EQ(c.source, CredentialSource::none);
  PresentedCredentials blank;
  blank.api_key = "   ";
  EXPECT_EQ(extract_credential(blank, "gk_").kind, CredentialKind::none);
}

}  // namespace
