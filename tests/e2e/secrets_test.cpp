// PUT /secrets/{name}, DELETE /secrets/{name}: stored encrypted, never returned, never logged.
#include "e2e/expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include <boost/json/serialize.hpp>

#include <sys/stat.h>

namespace gatehouse::testing {

class Secrets : public GatehouseTest {
 protected:
  void SetUp() override { start(); }

  HttpResponse put_secret(std::string const& token, std::string const& name, std::string const& value) {
    return put(port(), "/secrets/" + name, boost::json::serialize(boost::json::object{{"value", value}}), token);
  }

  boost::json::object secrets_of(std::string const& token) {
    auto const res = get(port(), "/auth/bootstrap", token);
    EXPECT_EQ(res.status, 200) << res.body;
    return res.json().at("secrets").as_object();
  }
};

TEST_F(Secrets, PutAnswers204AndShowsAsConnectedInBootstrap) {
  std::string const token = anonymous_session("secret-device");
  auto const res = put_secret(token, "openai", "sk-test-value");
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_TRUE(res.body.empty());
  auto const secrets = secrets_of(token);
  ASSERT_EQ(secrets.size(), 1u);
  auto const& entry = secrets.at("openai");
  EXPECT_EQ(entry.at("connected"), true);
  EXPECT_TRUE(is_rfc3339_utc(str(entry, "updated_at"))) << entry;
  // Never returned: the bootstrap has the name and a time, not the value.
  EXPECT_EQ(get(port(), "/auth/bootstrap", token).body.find("sk-test-value"), std::string::npos);
}

TEST_F(Secrets, PutReplacesTheValueUnderTheSameName) {
  std::string const token = anonymous_session("replace-device");
  ASSERT_EQ(put_secret(token, "anthropic", "first").status, 204);
  ASSERT_EQ(put_secret(token, "anthropic", "second").status, 204);
  EXPECT_EQ(secrets_of(token).size(), 1u);
  EXPECT_EQ(*db_int("SELECT count(*) FROM secrets"), 1);
}

TEST_F(Secrets, SecretsArePerPrincipal) {
  std::string const mine = anonymous_session("mine");
  std::string const theirs = anonymous_session("theirs");
  ASSERT_EQ(put_secret(mine, "github", "ghp_mine").status, 204);
  EXPECT_TRUE(secrets_of(theirs).empty());
  EXPECT_TRUE(IsError(del(port(), "/secrets/github", theirs), 404, "Secret not found"));
  EXPECT_EQ(secrets_of(mine).size(), 1u);
}

TEST_F(Secrets, DeleteAnswers204ThenSecretNotFound) {
  std::string const token = anonymous_session("delete-device");
  ASSERT_EQ(put_secret(token, "stripe", "sk_live_x").status, 204);
  auto const res = del(port(), "/secrets/stripe", token);
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_TRUE(secrets_of(token).empty());
  EXPECT_TRUE(IsError(del(port(), "/secrets/stripe", token), 404, "Secret not found"));
}

TEST_F(Secrets, DeletingANeverStoredSecretIsSecretNotFound) {
  EXPECT_TRUE(IsError(del(port(), "/secrets/nothing", anonymous_session("empty-device")), 404, "Secret not found"));
}

TEST_F(Secrets, BadBodiesAre422AndWriteNothing) {
  std::string const token = anonymous_session("bad-secret");
  for (std::string const body : {"{}", R"({"value":""})", R"({"value":42})", R"({"value":null})", "[]", R"({"value":)", ""}) {
    auto const res = put(port(), "/secrets/key", body, token);
    EXPECT_EQ(res.status, 422) << body;
    EXPECT_TRUE(IsJson(res)) << body;
    EXPECT_FALSE(res.detail().empty()) << body;
  }
  EXPECT_EQ(*db_int("SELECT count(*) FROM secrets"), 0);
}

TEST_F(Secrets, SecretRoutesRequireASession) {
  EXPECT_TRUE(IsError(put(port(), "/secrets/x", R"({"value":"v"})"), 401, "Missing Bearer token"));
  EXPECT_TRUE(IsError(del(port(), "/secrets/x"), 401, "Missing Bearer token"));
}

TEST_F(Secrets, PlaintextNeverReachesTheDatabaseFiles) {
  std::string const token = anonymous_session("plaintext-device");
  std::string const value = "sk-plaintext-canary-7f3a9c2e41";
  ASSERT_EQ(put_secret(token, "canary", value).status, 204);
  ASSERT_EQ(put_secret(token, "canary", value + "-v2").status, 204);
  // The row is there (so the files hold something), sealed.
  ASSERT_EQ(*db_int("SELECT count(*) FROM secrets WHERE name = 'canary'"), 1);
  EXPECT_EQ(*db_int("SELECT length(ciphertext) FROM secrets WHERE name = 'canary'"),
            static_cast<std::int64_t>(12 + (value.size() + 3) + 16));
  std::string bytes = db_file_bytes();
  EXPECT_EQ(bytes.find("sk-plaintext-canary"), std::string::npos);
  // Also after a clean shutdown has checkpointed the WAL into the main file.
  stop_server();
  bytes = db_file_bytes();
  EXPECT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find("sk-plaintext-canary"), std::string::npos);
}

TEST_F(Secrets, PlaintextNeverReachesTheServerOutput) {
  std::string const token = anonymous_session("log-device");
  std::string const value = "sk-log-canary-5d1e08b7";
  ASSERT_EQ(put_secret(token, "canary", value).status, 204);
  ASSERT_EQ(put(port(), "/secrets/bad%20name", boost::json::serialize(boost::json::object{{"value", value}}), token).status,
            422);
  ASSERT_EQ(del(port(), "/secrets/canary", token).status, 204);
  stop_server();
  EXPECT_EQ(server().output().find(value), std::string::npos) << server().output();
}

TEST_F(Secrets, KeyFileIsCreatedWithMode0600) {
  auto const key = dir() / "gatehouse-secrets.key";
  struct stat st{};
  ASSERT_EQ(::stat(key.c_str(), &st), 0) << key;
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(Secrets, SecretsSurviveARestartWithTheSameKey) {
  std::string const token = anonymous_session("restart-secret");
  ASSERT_EQ(put_secret(token, "persisted", "value").status, 204);
  restart();
  EXPECT_EQ(secrets_of(token).size(), 1u);
  EXPECT_EQ(del(port(), "/secrets/persisted", token).status, 204);
}

}  // namespace gatehouse::testing
