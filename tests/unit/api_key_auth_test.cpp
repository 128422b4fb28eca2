// API keys in the authenticator (which header wins, shape before lookup, revoked, expired,
// X-Use-Api-Key), in the registry (a revocation is reported once) and in the store
// (only the hash is kept, deactivation is the owner's, last use never moves backwards).
#include "gatehouse/auth/api_key_format.hpp"
#include "gatehouse/auth/authenticator.hpp"
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/errors.hpp"
#include "gatehouse/store/api_key_store.hpp"
#include "gatehouse/store/principal_store.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace gatehouse;
using namespace gatehouse::auth;

class ApiKeyAuthentication : public ::testing::Test {
 protected:
  // A key of user "u1" with the given scopes; returns its plaintext.
  std::string add_key(std::string const& id, Scopes scopes, std::optional<UnixSeconds> expires_at = {},
                      std::string const& user = "u1") {
    auto minted = mint_api_key("gk_");
    store::ApiKeyRecord r;
    r.id = id;
    r.user_id = user;
    r.name = "k";
    r.scopes = scopes.bits();
    r.key_hash = minted.hash;
    r.tail = minted.tail;
    r.created_at = 0;
    r.expires_at = expires_at;
    keys.add(r);
    return minted.text;
  }

  std::string add_session(std::string const& id, store::PrincipalKind kind, std::string const& principal = "u1") {
    auto token = mint_opaque_token(session_token_prefix);
    store::SessionRecord r;
    r.id = id;
    r.token_hash = token.hash;
    r.principal_id = principal;
    r.kind = kind;
    r.expires_at = 10'000;
    sessions.add(r);
    return token.text;
  }

  Caller caller_of(PresentedCredentials const& p, UnixSeconds now) {
    return auth.authenticate(auth.extract(p), now);
  }

  // The caller of a stream ticket issued for the credential id.
  Caller ticket_holder(std::string const& credential_id, UnixSeconds now) {
    PresentedCredentials p;
    p.ticket = tickets.issue(credential_id, now);
    return caller_of(p, now);
  }

  std::optional<ErrorCode> failure_of(PresentedCredentials const& p, UnixSeconds now = 100) {
    try {
      caller_of(p, now);
    } catch (Failure const& f) {
      return f.code();
    }
    return std::nullopt;
  }

  static Scopes only(Scope s) {
    Scopes out;
    out.add(s);
    return out;
  }

  gatehouse::testing::StoreFixtureDb db;
  SessionRegistry sessions;
  ApiKeyRegistry keys;
  ApiKeyUsage usage{db.db()};
  StreamTickets tickets;
  Authenticator auth{{sessions, keys, usage, tickets, nullptr}, {"gk_", JwtPolicy{}}};
};

TEST_F(ApiKeyAuthentication, EachWayOfPresentingAKeyIsAccepted) {
  std::string const key = add_key("k1", only(Scope::research_read));
  std::string const api_key_auth = "API-Key " + key;
  std::string const bearer = "Bearer " + key;
  for (PresentedCredentials const& p : {PresentedCredentials{{}, key, {}}, PresentedCredentials{api_key_auth, {}, {}},
                                       PresentedCredentials{bearer, {}, {}}}) {
    Caller const c = caller_of(p, 100);
    ASSERT_TRUE(c.api_key);
    EXPECT_EQ(c.api_key->id, "k1");
    EXPECT_FALSE(c.session);
    EXPECT_EQ(c.principal_id(), "u1");
    EXPECT_EQ(c.kind, store::PrincipalKind::user);
    EXPECT_TRUE(c.scopes.has(Scope::research_read));
    EXPECT_FALSE(c.scopes.has(Scope::research_write));
  }
}

TEST_F(ApiKeyAuthentication, XApiKeyWinsOverAuthorization) {
  std::string const key = add_key("k1", only(Scope::research_read));
  std::string const token = add_session("s1", store::PrincipalKind::user, "u2");
  std::string const bearer = "Bearer " + token;
  EXPECT_EQ(caller_of({bearer, key, {}}, 100).principal_id(), "u1");
  EXPECT_EQ(extract_credential({bearer, "  " + key + " ", {}}, "gk_").token, key);
  EXPECT_EQ(extract_credential({bearer, {}, {}}, "gk_").kind, CredentialKind::session_token);  // a session token is no key
}

TEST_F(ApiKeyAuthentication, BadKeysAreInvalidAndExpiredKeysSaySo) {
  std::string const key = add_key("k1", Scopes::all());
  std::string const expired = add_key("k2", Scopes::all(), 100);
  std::string broken = key;
  broken[5] = broken[5] == 'a' ? 'b' : 'a';
  EXPECT_EQ(failure_of({{}, broken, {}}), ErrorCode::invalid_api_key);
  EXPECT_EQ(failure_of({{}, mint_api_key("gk_").text, {}}), ErrorCode::invalid_api_key);  // unknown
  EXPECT_EQ(failure_of({"Bearer gk_nonsense", {}, {}}), ErrorCode::invalid_api_key);
  EXPECT_EQ(failure_of({{}, expired, {}}, 99), std::nullopt);
  EXPECT_EQ(failure_of({{}, expired, {}}, 100), ErrorCode::api_key_expired);
  keys.deactivate("k1");
  EXPECT_EQ(failure_of({{}, key, {}}), ErrorCode::invalid_api_key);
  EXPECT_EQ(failure_of({}), ErrorCode::missing_bearer_token);
}

TEST_F(ApiKeyAuthentication, MissingScopeNamesTheScope) {
  std::string const key = add_key("k1", only(Scope::research_read));
  Caller const c = caller_of({{}, key, {}}, 100);
  try {
    c.require(Scope::secrets_write);
    FAIL() << "no failure";
  } catch (Failure const& f) {
    EXPECT_EQ(f.code(), ErrorCode::missing_scope);
    EXPECT_EQ(f.arg(), "secrets.write");
  }
  EXPECT_NO_THROW(c.require(Scope::research_read));
}

TEST_F(ApiKeyAuthentication, AUserSessionActsUnderItsOwnUsableKeyOnly) {
  add_key("mine", only(Scope::research_read), {}, "u1");
  add_key("theirs", only(Scope::research_read), {}, "u2");
  add_key("old", only(Scope::research_read), 50, "u1");
  add_key("revoked", only(Scope::research_read), {}, "u1");
  keys.deactivate("revoked");
  std::string const bearer = "Bearer " + add_session("s1", store::PrincipalKind::user);

  Caller const acting = caller_of({bearer, {}, "mine"}, 100);
  ASSERT_TRUE(acting.session);
  ASSERT_TRUE(acting.api_key);
  EXPECT_EQ(acting.api_key->id, "mine");
  EXPECT_FALSE(acting.scopes.has(Scope::research_write));
  EXPECT_EQ(acting.credential_ids(), (std::vector<std::string>{"s1", "mine"}));

  for (std::string_view ignored : {"theirs", "old", "revoked", "missing"}) {
    Caller const c = caller_of({bearer, {}, ignored}, 100);
    EXPECT_FALSE(c.api_key) << ignored;
    EXPECT_TRUE(c.scopes.has(Scope::research_write)) << ignored;
  }
  std::string const anonymous = "Bearer " + add_session("s2", store::PrincipalKind::anonymous);
  EXPECT_FALSE(caller_of({anonymous, {}, "mine"}, 100).api_key);
}

TEST_F(ApiKeyAuthentication, ATicketHolderIsResolvedByItsCredentialId) {
  add_key("k1", only(Scope::research_read));
  add_session("s1", store::PrincipalKind::user);
  EXPECT_EQ(ticket_holder("k1", 100).api_key->id, "k1");
  EXPECT_EQ(ticket_holder("s1", 100).session->id, "s1");
  keys.deactivate("k1");
  EXPECT_THROW(ticket_holder("k1", 100), Failure);
  EXPECT_THROW(ticket_holder("nope", 100), Failure);
}

TEST_F(ApiKeyAuthentication, DeactivationReportsTheKeyOnce) {
  add_key("k1", Scopes::all());
  std::vector<std::string> told;
  for (char const* id : {"k1", "k1", "missing"}) {
    if (auto key = keys.deactivate(id)) told.push_back(key->id);
  }
  EXPECT_EQ(told, std::vector<std::string>{"k1"});
}

TEST_F(ApiKeyAuthentication, KeysOfAUserAreListedOldestFirstAndCounted) {
  add_key("b", Scopes::all(), {}, "u1");
  add_key("a", Scopes::all(), 50, "u1");
  add_key("c", Scopes::all(), {}, "u2");
  auto const mine = keys.of_user("u1");
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0]->id, "a");  // same created_at: by id
  EXPECT_EQ(keys.active_count("u1", 10), 2u);
  EXPECT_EQ(keys.active_count("u1", 60), 1u);  // "a" expired
}

class ApiKeyStore : public gatehouse::testing::EngineTest {};

TEST_P(ApiKeyStore, KeepsTheHashDeactivatesForTheOwnerAndNeverMovesLastUseBack) {
  auto& db = this->db();
  auto const minted = mint_api_key("gk_");
  std::string user_id;
  db.in_write([&](store::Tx& tx) {
    user_id = store::upsert_user_principal(tx, "user_1", std::nullopt, std::nullopt, 1).id;
    store::ApiKeyRecord r;
    r.id = "k1";
    r.user_id = user_id;
    r.name = "ci";
    r.scopes = Scopes::all().bits();
    r.key_hash = minted.hash;
    r.tail = minted.tail;
    r.created_at = 10;
    r.expires_at = 500;
    store::insert_api_key(tx, r);
  });
  auto loaded = db.in_read([](store::Tx& tx) { return store::load_api_keys(tx); });
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].key_hash, minted.hash);
  EXPECT_EQ(loaded[0].expires_at, 500);
  EXPECT_TRUE(loaded[0].active);
  EXPECT_FALSE(loaded[0].last_used_at);

  db.in_write([](store::Tx& tx) { store::record_api_key_use(tx, {{"k1", 200}}); });
  db.in_write([](store::Tx& tx) { store::record_api_key_use(tx, {{"k1", 150}}); });
  EXPECT_EQ(db.scalar("SELECT last_used_at FROM api_keys"), 200);

  EXPECT_FALSE(db.in_write([](store::Tx& tx) { return store::deactivate_api_key(tx, "k1", "someone-else", 300); }));
  EXPECT_TRUE(db.in_write([&](store::Tx& tx) { return store::deactivate_api_key(tx, "k1", user_id, 300); }));
  EXPECT_FALSE(db.in_write([&](store::Tx& tx) { return store::deactivate_api_key(tx, "k1", user_id, 301); }));
  EXPECT_EQ(db.scalar("SELECT active FROM api_keys"), 0);
  EXPECT_EQ(db.scalar("SELECT revoked_at FROM api_keys"), 300);
}

GATEHOUSE_BOTH_ENGINES(ApiKeyStore);

}  // namespace
