// API keys against the real binary: creation (the plaintext once), listing (metadata only),
// revocation, the three ways to present a key and their precedence, scopes on every protected
// route, X-Use-Api-Key, expiry, checksum refusal, persistence across a restart, and the key
// never reaching the logs or the database file.
#include "stream_test_support.hpp"

#include "gatehouse/auth/api_key_format.hpp"
#include "gatehouse/crypto/sha256.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>


namespace gatehouse::testing {

namespace {

bool is_rfc3339(boost::json::value const& v) { return v.is_string() && is_rfc3339_utc(std::string(v.get_string())); }

}  // namespace

class ApiKeys : public GatehouseTest {
 protected:
  void SetUp() override {
    start();
    ASSERT_TRUE(wait_for_jwks_loaded());
    user_ = user_session("user_api_keys");
  }

  HttpResponse create_key(std::string const& session, std::string const& body) {
    return post(port(), "/me/keys", body, session);
  }

  // Creates a key with the given scopes (a JSON array) and returns {id, key}.
  std::pair<std::string, std::string> new_key(std::string const& scopes_json, std::string const& session = {}) {
    auto const res = create_key(session.empty() ? user_ : session, R"({"name":"ci","scopes":)" + scopes_json + "}");
    EXPECT_EQ(res.status, 201) << res.body;
    auto const json = res.json();
    auto const& o = json.as_object();
    return {std::string(o.at("id").as_string()), std::string(o.at("key").as_string())};
  }

  HttpResponse whoami_with(Headers const& headers) { return http(port(), "GET", "/auth/whoami", {}, headers); }

  boost::json::object listed(std::string const& id) {
    auto const res = get(port(), "/me/keys", user_);
    EXPECT_EQ(res.status, 200) << res.body;
    auto const json = res.json();
    for (auto const& k : json.at("keys").as_array()) {
      if (k.at("id") == id.c_str()) return k.as_object();
    }
    ADD_FAILURE() << "key " << id << " not listed: " << res.body;
    return {};
  }

  std::string user_;
};

TEST_F(ApiKeys, CreationReturnsThePlaintextKeyOnceWithItsMetadata) {
  auto const res = create_key(user_, R"({"name":"deploy bot","scopes":["research.read","research.write"]})");
  ASSERT_EQ(res.status, 201) << res.body;
  auto const json = res.json();
  auto const& o = json.as_object();
  std::string const id(o.at("id").as_string());
  std::string const key(o.at("key").as_string());
  EXPECT_TRUE(id.starts_with("k_")) << id;
  EXPECT_TRUE(key.starts_with("gk_")) << key;
  EXPECT_EQ(key.size(), 3u + 43 + 6);  // prefix, 256 random bits in base62, CRC-32 checksum
  EXPECT_EQ(o.at("name"), "deploy bot");
  EXPECT_EQ(boost::json::serialize(o.at("scopes")), R"(["research.read","research.write"])");
  EXPECT_TRUE(is_rfc3339(o.at("created_at"))) << res.body;
  EXPECT_TRUE(o.at("expires_at").is_null());
  EXPECT_EQ(o.at("tail"), key.substr(key.size() - 4).c_str());

  // Listing: metadata only, never the key or its hash.
  auto const list = get(port(), "/me/keys", user_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(key), std::string::npos);
  EXPECT_EQ(list.body.find(db_hex(crypto::sha256(key))), std::string::npos);
  auto const entry = listed(id);
  std::set<std::string> fields;
  for (auto const& [name, value] : entry) fields.insert(std::string(name));
  EXPECT_EQ(fields, (std::set<std::string>{"id", "name", "scopes", "active", "created_at", "last_used_at", "expires_at", "tail"}));
  EXPECT_EQ(entry.at("active"), true);
  EXPECT_TRUE(entry.at("last_used_at").is_null());
  EXPECT_EQ(entry.at("tail"), key.substr(key.size() - 4).c_str());
}

TEST_F(ApiKeys, ExpiresInSetsTheExpiry) {
  auto const res = create_key(user_, R"({"name":"short","scopes":["research.read"],"expires_in":3600})");
  ASSERT_EQ(res.status, 201) << res.body;
  auto const id = std::string(res.json().at("id").as_string());
  EXPECT_TRUE(is_rfc3339(res.json().at("expires_at")));
  EXPECT_EQ(db_int("SELECT expires_at - created_at FROM api_keys WHERE id = ?1", {id}), 3600);
}

TEST_F(ApiKeys, BadCreationBodiesAre422AndWriteNothing) {
  struct Case {
    std::string body;
    std::string detail;
  };
  std::vector<Case> const cases = {
      {"not json", ""},
      {R"({"scopes":["research.read"]})", "name required"},
      {R"({"name":"","scopes":["research.read"]})", "name required"},
      {R"({"name":"x"})", "scopes must be a non-empty array of scope names"},
      {R"({"name":"x","scopes":[]})", "scopes must be a non-empty array of scope names"},
      {R"({"name":"x","scopes":"research.read"})", "scopes must be a non-empty array of scope names"},
      {R"({"name":"x","scopes":[1]})", "scopes must be a non-empty array of scope names"},
      {R"({"name":"x","scopes":["admin"]})", "unknown scope: admin"},
      {R"({"name":"x","scopes":["research.read"],"expires_in":0})", ""},
      {R"({"name":"x","scopes":["research.read"],"expires_in":-5})", ""},
      {R"({"name":"x","scopes":["research.read"],"expires_in":"3600"})", ""},
      {R"({"name":"x","scopes":["research.read"],"expires_in":1.5})", ""},
      {R"({"name":"x","scopes":["research.read"],"expires_in":1e300})", ""},
      {R"({"name":"line\nbreak","scopes":["research.read"]})", "name must not contain control characters"},
  };
  for (auto const& c : cases) {
    auto const res = create_key(user_, c.body);
    EXPECT_EQ(res.status, 422) << c.body << " -> " << res.body;
    EXPECT_FALSE(res.detail().empty()) << c.body;
    if (!c.detail.empty()) {
      EXPECT_EQ(res.detail(), c.detail) << c.body;
    }
  }
  EXPECT_EQ(db_int("SELECT count(*) FROM api_keys"), 0);
}

TEST_F(ApiKeys, KeyManagementNeedsASignedInUsersSession) {
  auto const [id, key] = new_key(R"(["research.read","research.write","secrets.write","sessions.read"])");
  std::string const anonymous = anonymous_session("keys-device");
  std::string const body = R"({"name":"x","scopes":["research.read"]})";
  std::string const detail = "this endpoint requires a signed-in user";

  // An anonymous session.
  EXPECT_EQ(create_key(anonymous, body).detail(), detail);
  EXPECT_EQ(get(port(), "/me/keys", anonymous).status, 403);
  EXPECT_EQ(del(port(), "/me/keys/" + id, anonymous).detail(), detail);
  // An API key, even one with every scope, by each way of presenting it.
  for (Headers const& h : {api_key_header(key), Headers{{"Authorization", "API-Key " + key}}, bearer(key)}) {
    auto const res = http(port(), "POST", "/me/keys", body, h);
    EXPECT_EQ(res.status, 403) << res.body;
    EXPECT_EQ(res.detail(), detail);
    EXPECT_EQ(http(port(), "GET", "/me/keys", {}, h).detail(), detail);
    EXPECT_EQ(http(port(), "DELETE", "/me/keys/" + id, {}, h).detail(), detail);
  }
  // The user's session acting under a key has that key's authority, which does not manage keys.
  Headers acting = bearer(user_);
  acting.emplace_back("X-Use-Api-Key", id);
  EXPECT_EQ(http(port(), "GET", "/me/keys", {}, acting).detail(), detail);
  // No credential at all.
  EXPECT_EQ(get(port(), "/me/keys").status, 401);
  EXPECT_EQ(db_int("SELECT count(*) FROM api_keys"), 1);
  EXPECT_EQ(db_int("SELECT active FROM api_keys WHERE id = ?1", {id}), 1);
}

TEST_F(ApiKeys, AKeyIsAcceptedInEachOfTheThreeWays) {
  auto const [id, key] = new_key(R"(["research.read"])");
  std::string const user_principal = principal_of(user_);
  for (Headers const& h : {api_key_header(key), Headers{{"Authorization", "API-Key " + key}},
                           Headers{{"Authorization", "api-key " + key}}, bearer(key)}) {
    auto const res = whoami_with(h);
    ASSERT_EQ(res.status, 200) << h[0].first << ": " << h[0].second.substr(0, 8) << " -> " << res.body;
    auto const json = res.json();
    auto const& o = json.as_object();
    EXPECT_EQ(o.at("principal_id"), user_principal.c_str());
    EXPECT_EQ(o.at("kind"), "user");
    EXPECT_EQ(o.at("credential"), "api_key");
    EXPECT_EQ(o.at("api_key_id"), id.c_str());
    EXPECT_TRUE(o.at("session_id").is_null());
    EXPECT_TRUE(o.at("expires_in").is_null());  // a key without expires_in never expires
    EXPECT_EQ(boost::json::serialize(o.at("scopes")), R"(["research.read"])");
  }
}

TEST_F(ApiKeys, TheApiKeyTakesPrecedenceOverTheAuthorizationHeader) {
  auto const [id, key] = new_key(R"(["research.read"])");
  std::string const other_user = user_session("user_api_keys_other");

  Headers both = api_key_header(key);
  both.emplace_back("Authorization", "Bearer " + other_user);
  auto const res = whoami_with(both);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json().at("credential"), "api_key");
  EXPECT_EQ(res.json().at("principal_id"), principal_of(user_).c_str());

  // The key is what is checked: a bad one is refused even beside a good session token.
  Headers bad_key{{"X-API-Key", key.substr(0, key.size() - 1) + (key.back() == 'A' ? "B" : "A")}};
  bad_key.emplace_back("Authorization", "Bearer " + other_user);
  auto const refused = whoami_with(bad_key);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.detail(), "invalid api key");
  EXPECT_FALSE(refused.header("WWW-Authenticate").empty());
}

TEST_F(ApiKeys, EachRouteChecksItsScope) {
  auto const [read_id, reader] = new_key(R"(["research.read"])");
  auto const [write_id, writer] = new_key(R"(["research.write"])");
  std::string const research = create_research(port(), user_);

  auto call = [&](std::string const& method, std::string const& target, std::string const& body, std::string const& key) {
    return http(port(), method, target, body, api_key_header(key));
  };
  // research.read
  EXPECT_EQ(call("GET", "/research", {}, reader).status, 200);
  EXPECT_EQ(call("GET", "/research/" + research, {}, reader).status, 200);
  EXPECT_EQ(call("GET", "/research", {}, writer).detail(), "missing scope: research.read");
  EXPECT_EQ(call("GET", "/research/" + research, {}, writer).detail(), "missing scope: research.read");
  // research.write
  auto const created = call("POST", "/research", R"({"title":"by key"})", writer);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("owner_id"), principal_of(user_).c_str());  // attributed to the key's owner
  EXPECT_EQ(call("POST", "/research/" + research + "/events", R"({"event":"e","data":1})", writer).status, 201);
  auto const refused = call("POST", "/research", R"({"title":"x"})", reader);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.detail(), "missing scope: research.write");
  EXPECT_EQ(call("POST", "/research/" + research + "/events", R"({"event":"e"})", reader).detail(),
            "missing scope: research.write");
  // secrets.write
  EXPECT_EQ(call("PUT", "/secrets/openai", R"({"value":"v"})", reader).detail(), "missing scope: secrets.write");
  EXPECT_EQ(call("DELETE", "/secrets/openai", {}, reader).detail(), "missing scope: secrets.write");
  // sessions.read
  EXPECT_EQ(call("GET", "/auth/sessions", {}, reader).detail(), "missing scope: sessions.read");
  EXPECT_EQ(call("GET", "/auth/bootstrap", {}, reader).detail(), "missing scope: sessions.read");
  // Nothing the refused calls asked for was written.
  EXPECT_EQ(db_int("SELECT count(*) FROM research WHERE title = 'x'"), 0);
  EXPECT_EQ(db_int("SELECT count(*) FROM research_events WHERE research_id = ?1", {research}), 1);
}

TEST_F(ApiKeys, ScopedKeysWorkOnSecretsSessionsAndBootstrap) {
  auto const [id, key] = new_key(R"(["secrets.write","sessions.read"])");
  Headers const h = api_key_header(key);
  EXPECT_EQ(http(port(), "PUT", "/secrets/openai", R"({"value":"sk-test"})", h).status, 204);
  auto const sessions = http(port(), "GET", "/auth/sessions", {}, h);
  ASSERT_EQ(sessions.status, 200) << sessions.body;
  auto const sessions_json = sessions.json();
  auto const& list = sessions_json.at("sessions").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("current"), false);  // a key is none of the sessions
  auto const boot = http(port(), "GET", "/auth/bootstrap", {}, h);
  ASSERT_EQ(boot.status, 200) << boot.body;
  EXPECT_EQ(boot.json().at("principal").at("id"), principal_of(user_).c_str());
  EXPECT_TRUE(boot.json().at("session").is_null());
  EXPECT_EQ(boot.json().at("secrets").at("openai").at("connected"), true);
  EXPECT_EQ(http(port(), "DELETE", "/secrets/openai", {}, h).status, 204);
}

TEST_F(ApiKeys, RoutesThatActOnTheSessionItselfRefuseKeys) {
  auto const [id, key] = new_key(R"(["research.read","research.write","secrets.write","sessions.read"])");
  std::string const detail = "this endpoint requires a session token";
  Headers const h = api_key_header(key);
  EXPECT_EQ(http(port(), "DELETE", "/auth/session", {}, h).detail(), detail);
  EXPECT_EQ(http(port(), "DELETE", "/auth/sessions", {}, h).detail(), detail);
  EXPECT_EQ(http(port(), "DELETE", "/auth/sessions/" + session_id_of(port(), user_), {}, h).detail(), detail);
  auto const rebind = http(port(), "POST", "/auth/rebind", R"({"device_id":"d"})", bearer(key));
  EXPECT_EQ(rebind.status, 403);
  EXPECT_EQ(rebind.detail(), detail);
  // The user's session is untouched.
  EXPECT_EQ(get(port(), "/auth/whoami", user_).status, 200);
}

TEST_F(ApiKeys, ARevokedKeyIsInvalidAndWhatItCreatedStaysReadable) {
  auto const [id, key] = new_key(R"(["research.read","research.write"])");
  auto const created = http(port(), "POST", "/research", R"({"title":"made by key"})", api_key_header(key));
  ASSERT_EQ(created.status, 201);
  std::string const research(created.json().at("id").as_string());

  EXPECT_EQ(del(port(), "/me/keys/" + id, user_).status, 204);
  auto const refused = whoami_with(api_key_header(key));
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.detail(), "invalid api key");
  EXPECT_EQ(whoami_with(bearer(key)).detail(), "invalid api key");
  EXPECT_EQ(listed(id).at("active"), false);
  EXPECT_EQ(db_int("SELECT active FROM api_keys WHERE id = ?1", {id}), 0);
  EXPECT_EQ(get(port(), "/research/" + research, user_).status, 200);
  // Revoking again is still a success; another user's (or a missing) key is not found.
  EXPECT_EQ(del(port(), "/me/keys/" + id, user_).status, 204);
  auto const [other_id, other_key] = new_key(R"(["research.read"])");
  std::string const stranger = user_session("user_api_keys_stranger");
  auto const foreign = del(port(), "/me/keys/" + other_id, stranger);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(foreign.detail(), "API key not found");
  EXPECT_EQ(del(port(), "/me/keys/k_missing", user_).detail(), "API key not found");
  EXPECT_EQ(whoami_with(api_key_header(other_key)).status, 200);  // untouched by the stranger
}

TEST_F(ApiKeys, AnExpiredKeySaysSo) {
  auto const res = create_key(user_, R"({"name":"brief","scopes":["research.read"],"expires_in":1})");
  ASSERT_EQ(res.status, 201);
  std::string const key(res.json().at("key").as_string());
  // The expiry is a point in time: wait for it, bounded.
  HttpResponse answer;
  for (auto const deadline = Clock::now() + std::chrono::seconds(5); Clock::now() < deadline;) {
    answer = whoami_with(api_key_header(key));
    if (answer.status != 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.detail(), "api key expired");
}

TEST_F(ApiKeys, MalformedAndChecksumBrokenKeysAreRefused) {
  auto const [id, key] = new_key(R"(["research.read"])");
  char const flipped = key[10] == 'a' ? 'b' : 'a';
  std::string broken = key;
  broken[10] = flipped;  // the checksum no longer matches
  auto const unknown = auth::mint_api_key("gk_").text;  // well formed, never issued
  for (std::string const& bad : {broken, key.substr(0, key.size() - 1), key + "x", std::string("gk_short"),
                                 std::string("gk_") + std::string(49, '!'), unknown}) {
    auto const res = whoami_with(api_key_header(bad));
    EXPECT_EQ(res.status, 401) << bad;
    EXPECT_EQ(res.detail(), "invalid api key") << bad;
  }
  EXPECT_EQ(auth::check_api_key_shape(broken), auth::ApiKeyShape::bad_checksum);
}

TEST_F(ApiKeys, AUserSessionMayActUnderItsOwnActiveKey) {
  auto const [id, key] = new_key(R"(["research.read"])");
  Headers acting = bearer(user_);
  acting.emplace_back("X-Use-Api-Key", id);
  auto const who = whoami_with(acting);
  ASSERT_EQ(who.status, 200);
  EXPECT_EQ(who.json().at("credential"), "session");
  EXPECT_EQ(who.json().at("api_key_id"), id.c_str());
  EXPECT_EQ(boost::json::serialize(who.json().at("scopes")), R"(["research.read"])");
  // The key's scopes apply.
  auto const refused = http(port(), "POST", "/research", R"({"title":"x"})", acting);
  EXPECT_EQ(refused.detail(), "missing scope: research.write");

  // A key that is not the caller's, not active, or not a key: ignored, the request goes as the user.
  std::string const other = user_session("user_api_keys_other_owner");
  auto const [foreign_id, foreign_key] = new_key(R"(["research.read"])", other);
  auto const [revoked_id, revoked_key] = new_key(R"(["research.read"])");
  ASSERT_EQ(del(port(), "/me/keys/" + revoked_id, user_).status, 204);
  for (std::string const& ignored : {foreign_id, revoked_id, std::string("k_nope")}) {
    Headers h = bearer(user_);
    h.emplace_back("X-Use-Api-Key", ignored);
    auto const res = whoami_with(h);
    ASSERT_EQ(res.status, 200);
    EXPECT_TRUE(res.json().at("api_key_id").is_null()) << ignored;
    EXPECT_EQ(res.json().at("scopes").as_array().size(), 4u) << ignored;
    EXPECT_EQ(http(port(), "POST", "/research", R"({"title":"as user"})", h).status, 201) << ignored;
  }
  // An anonymous session owns no keys.
  Headers anonymous = bearer(anonymous_session("acting-device"));
  anonymous.emplace_back("X-Use-Api-Key", id);
  EXPECT_TRUE(whoami_with(anonymous).json().at("api_key_id").is_null());
}

TEST_F(ApiKeys, LastUsedAtIsRecordedWithoutAWritePerRequest) {
  auto const [id, key] = new_key(R"(["research.read"])");
  for (int i = 0; i < 50; ++i) ASSERT_EQ(whoami_with(api_key_header(key)).status, 200);
  // Memory first, the database within about a second.
  EXPECT_TRUE(is_rfc3339(listed(id).at("last_used_at")));
  std::optional<std::int64_t> stored;
  for (auto const deadline = Clock::now() + std::chrono::seconds(3); Clock::now() < deadline;) {
    stored = db_int("SELECT last_used_at FROM api_keys WHERE id = ?1 AND last_used_at IS NOT NULL", {id});
    if (stored) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(stored) << "last_used_at never reached the database";
  EXPECT_NEAR(static_cast<double>(*stored), static_cast<double>(std::time(nullptr)), 5.0);
}

TEST_F(ApiKeys, KeysAndTheirRevocationSurviveARestart) {
  auto const [id, key] = new_key(R"(["research.read"])");
  auto const [revoked_id, revoked_key] = new_key(R"(["research.read"])");
  ASSERT_EQ(del(port(), "/me/keys/" + revoked_id, user_).status, 204);
  ASSERT_EQ(whoami_with(api_key_header(key)).status, 200);
  restart();
  EXPECT_EQ(whoami_with(api_key_header(key)).status, 200);
  EXPECT_EQ(whoami_with(api_key_header(revoked_key)).detail(), "invalid api key");
  EXPECT_TRUE(is_rfc3339(listed(id).at("last_used_at")));  // flushed at shutdown at the latest
  EXPECT_EQ(listed(revoked_id).at("active"), false);
}

TEST_F(ApiKeys, ThePlaintextKeyNeverReachesTheLogsOrTheDatabase) {
  auto const [id, key] = new_key(R"(["research.read"])");
  std::string const research = create_research(port(), user_);
  EXPECT_EQ(whoami_with(api_key_header(key)).status, 200);
  EXPECT_EQ(get(port(), "/research?x=" + key, user_).status, 200);  // even a key pasted into a URL
  {
    SseClient sse(port(), events_path(research) + "?access_token=" + key);
    EXPECT_EQ(sse.status(), 200) << sse.body();
  }
  restart();  // flushes logs and the database
  EXPECT_EQ(server().output().find(key), std::string::npos);
  EXPECT_EQ(server().output().find(key.substr(3, 20)), std::string::npos);
  std::string const bytes = db_file_bytes();
  EXPECT_EQ(bytes.find(key.substr(3, 20)), std::string::npos);
  // What is stored is the SHA-256 of the whole key.
  EXPECT_EQ(db_text("SELECT hex(key_hash) FROM api_keys WHERE id = ?1", {id}), db_hex(crypto::sha256(key)));
}

TEST_F(ApiKeys, RebindLeavesKeysAlone) {
  auto const [id, key] = new_key(R"(["research.read","research.write"])");
  std::string const device = anonymous_session("rebind-keys-device");
  create_research(port(), device);
  auto const res = post(port(), "/auth/rebind", R"({"device_id":"rebind-keys-device"})", user_);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json().at("rebound"), true);
  EXPECT_EQ(whoami_with(api_key_header(key)).json().at("principal_id"), principal_of(user_).c_str());
  // The moved research is now readable with the user's key.
  auto const items = http(port(), "GET", "/research", {}, api_key_header(key));
  EXPECT_EQ(items.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(db_text("SELECT user_id FROM api_keys WHERE id = ?1", {id}), principal_of(user_));
}

TEST_F(ApiKeys, TheKeyPrefixIsConfigurableAndEarlierKeysKeepWorking) {
  auto const [old_id, old_key] = new_key(R"(["research.read"])");
  start({"--api-key-prefix", "acme_"});
  user_ = user_session("user_api_keys");
  auto const [id, key] = new_key(R"(["research.read"])");
  EXPECT_TRUE(key.starts_with("acme_")) << key;
  EXPECT_EQ(whoami_with(bearer(key)).json().at("api_key_id"), id.c_str());
  EXPECT_EQ(whoami_with(bearer(old_key)).json().at("api_key_id"), old_id.c_str());
  EXPECT_EQ(whoami_with(api_key_header(old_key)).status, 200);
}

}  // namespace gatehouse::testing
