// Configuration: embedded defaults, GATEHOUSE_* environment, flags on top; every mistake is one
// line, and --help documents every flag with its environment variable.
#include "gatehouse/app/config.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using gatehouse::app::Config;
using gatehouse::app::ConfigParse;
using gatehouse::app::parse_config;
using gatehouse::app::usage;

using Env = std::map<std::string, std::string>;

ConfigParse parse(std::vector<std::string> const& args, Env const& env = {}) {
  return parse_config(args, [env](std::string const& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

// Every flag and its environment variable, as the README documents them.
std::vector<std::pair<std::string, std::string>> const all_flags = {
    {"listen", "GATEHOUSE_LISTEN"},
    {"db", "GATEHOUSE_DB"},
    {"node-id", "GATEHOUSE_NODE_ID"},
    {"db-connections", "GATEHOUSE_DB_CONNECTIONS"},
    {"jwks-url", "GATEHOUSE_JWKS_URL"},
    {"issuer", "GATEHOUSE_ISSUER"},
    {"authorized-parties", "GATEHOUSE_AUTHORIZED_PARTIES"},
    {"session-ttl", "GATEHOUSE_SESSION_TTL"},
    {"refresh-token-ttl", "GATEHOUSE_REFRESH_TOKEN_TTL"},
    {"clock-skew", "GATEHOUSE_CLOCK_SKEW"},
    {"threads", "GATEHOUSE_THREADS"},
    {"heartbeat", "GATEHOUSE_HEARTBEAT"},
    {"secrets-key", "GATEHOUSE_SECRETS_KEY"},
    {"jwks-refresh", "GATEHOUSE_JWKS_REFRESH"},
    {"jwks-min-refetch", "GATEHOUSE_JWKS_MIN_REFETCH"},
    {"session-purge-grace", "GATEHOUSE_SESSION_PURGE_GRACE"},
    {"api-key-prefix", "GATEHOUSE_API_KEY_PREFIX"},
    {"session-rate-limit", "GATEHOUSE_SESSION_RATE_LIMIT"},
    {"failed-auth-rate-limit", "GATEHOUSE_FAILED_AUTH_RATE_LIMIT"},
    {"trusted-proxies", "GATEHOUSE_TRUSTED_PROXIES"},
    {"max-connections", "GATEHOUSE_MAX_CONNECTIONS"},
    {"request-timeout", "GATEHOUSE_REQUEST_TIMEOUT"},
    {"cors-origins", "GATEHOUSE_CORS_ORIGINS"},
    {"tls-cert", "GATEHOUSE_TLS_CERT"},
    {"tls-key", "GATEHOUSE_TLS_KEY"},
    {"log-level", "GATEHOUSE_LOG_LEVEL"},
    {"admin-socket", "GATEHOUSE_ADMIN_SOCKET"},
    {"dev", "GATEHOUSE_DEV"},
};

void expect_one_line_error(ConfigParse const& p, std::string const& mentions) {
  EXPECT_FALSE(p.error.empty()) << "accepted; expected an error mentioning " << mentions;
  EXPECT_EQ(p.error.find('\n'), std::string::npos) << p.error;
  EXPECT_NE(p.error.find(mentions), std::string::npos) << p.error;
  EXPECT_FALSE(p.help);
}

TEST(Config, DefaultsWithNoFlagsAndNoEnvironment) {
  auto p = parse({});
  ASSERT_EQ(p.error, "");
  EXPECT_FALSE(p.help);
  Config const& c = p.config;
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_EQ(c.session_ttl, 1800);
  EXPECT_EQ(c.refresh_token_ttl, 30 * 86400);
  EXPECT_EQ(c.db_path, "gatehouse.db");
  EXPECT_EQ(c.jwks_url, std::nullopt);
  EXPECT_EQ(c.issuer, std::nullopt);
  EXPECT_TRUE(c.authorized_parties.empty());
  EXPECT_EQ(c.clock_skew, 5);
  EXPECT_EQ(c.heartbeat, 15);
  EXPECT_EQ(c.jwks_refresh, 300);
  EXPECT_EQ(c.jwks_min_refetch, 10);
  EXPECT_EQ(c.session_purge_grace, 3600);
  EXPECT_FALSE(c.dev);
  EXPECT_GE(c.threads, 1u);
  EXPECT_EQ(c.log_level, gatehouse::log::Level::info);
}

TEST(Config, TlsNeedsBothTheCertificateAndTheKey) {
  EXPECT_FALSE(parse({}).config.tls());
  auto both = parse({"--tls-cert", "/etc/g/cert.pem"}, {{"GATEHOUSE_TLS_KEY", "/etc/g/key.pem"}});
  ASSERT_EQ(both.error, "");
  EXPECT_TRUE(both.config.tls());
  EXPECT_EQ(both.config.tls_cert, "/etc/g/cert.pem");
  EXPECT_EQ(both.config.tls_key, "/etc/g/key.pem");
  expect_one_line_error(parse({"--tls-cert", "/etc/g/cert.pem"}), "--tls-cert needs --tls-key");
  expect_one_line_error(parse({}, {{"GATEHOUSE_TLS_KEY", "/etc/g/key.pem"}}), "--tls-key needs --tls-cert");
  expect_one_line_error(parse({"--tls-cert="}), "--tls-cert expects a path");
}

TEST(Config, TheSecretsKeyDefaultsToLiveNextToTheDatabase) {
  auto p = parse({"--db", "/var/lib/gatehouse/g.db"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.config.effective_secrets_key_path(), "/var/lib/gatehouse/gatehouse-secrets.key");
  EXPECT_EQ(parse({}).config.effective_secrets_key_path(), "./gatehouse-secrets.key");
  auto q = parse({"--db", "/a/g.db", "--secrets-key", "/b/k"});
  EXPECT_EQ(q.config.effective_secrets_key_path(), "/b/k");
}

TEST(Config, TheAdminSocketDefaultsToTheDatabasePathAndCanBeTurnedOff) {
  EXPECT_EQ(parse({"--db", "/var/lib/gatehouse/g.db"}).config.effective_admin_socket(),
            std::filesystem::path("/var/lib/gatehouse/g.db.admin.sock"));
  EXPECT_EQ(parse({}).config.effective_admin_socket(), std::filesystem::path("gatehouse.db.admin.sock"));
  EXPECT_EQ(parse({"--admin-socket", "/run/g/admin.sock"}).config.effective_admin_socket(),
            std::filesystem::path("/run/g/admin.sock"));
  EXPECT_EQ(parse({"--admin-socket", ""}).config.effective_admin_socket(), std::nullopt);
  EXPECT_EQ(parse({"--admin-socket", "off"}).config.effective_admin_socket(), std::nullopt);
  EXPECT_EQ(parse({}, {{"GATEHOUSE_ADMIN_SOCKET", "off"}}).config.effective_admin_socket(), std::nullopt);
}

TEST(Config, AnAdminSocketPathTooLongForSunPathIsRefused) {
  expect_one_line_error(parse({"--admin-socket", "/" + std::string(200, 'a')}), "--admin-socket");
}

TEST(Config, FlagsSetTheirValues) {
  auto p = parse({"--listen", "0.0.0.0:9000", "--session-ttl", "60", "--db", "/tmp/x.db", "--issuer",
                  "https://clerk.example.com", "--authorized-parties", "https://a.example, https://b.example",
                  "--clock-skew", "0", "--threads", "3", "--heartbeat", "2", "--jwks-url", "file:///tmp/jwks.json",
                  "--log-level", "debug", "--dev"});
  ASSERT_EQ(p.error, "");
  Config const& c = p.config;
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_EQ(c.session_ttl, 60);
  EXPECT_EQ(c.db_path, "/tmp/x.db");
  EXPECT_EQ(c.issuer, "https://clerk.example.com");
  EXPECT_EQ(c.authorized_parties, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(c.clock_skew, 0);
  EXPECT_EQ(c.threads, 3u);
  EXPECT_EQ(c.heartbeat, 2);
  EXPECT_EQ(c.jwks_url, "file:///tmp/jwks.json");
  EXPECT_EQ(c.log_level, gatehouse::log::Level::debug);
  EXPECT_TRUE(c.dev);
}

TEST(Config, TheFlagEqualsValueFormIsAccepted) {
  auto p = parse({"--listen=[::1]:0", "--session-ttl=90", "--dev=false"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.config.listen_host, "::1");
  EXPECT_EQ(p.config.listen_port, 0);
  EXPECT_EQ(p.config.session_ttl, 90);
  EXPECT_FALSE(p.config.dev);
}

TEST(Config, EnvironmentVariablesAreUsed) {
  auto p = parse({}, {{"GATEHOUSE_LISTEN", "10.0.0.1:7000"},
                      {"GATEHOUSE_SESSION_TTL", "120"},
                      {"GATEHOUSE_DEV", "1"},
                      {"GATEHOUSE_AUTHORIZED_PARTIES", "x,y"},
                      {"GATEHOUSE_DB", "/data/g.db"}});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.config.listen_host, "10.0.0.1");
  EXPECT_EQ(p.config.listen_port, 7000);
  EXPECT_EQ(p.config.session_ttl, 120);
  EXPECT_TRUE(p.config.dev);
  EXPECT_EQ(p.config.authorized_parties, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(p.config.db_path, "/data/g.db");
}

TEST(Config, FlagsOverrideTheEnvironment) {
  auto p = parse({"--session-ttl", "300", "--listen=127.0.0.1:1"},
                 {{"GATEHOUSE_SESSION_TTL", "120"}, {"GATEHOUSE_LISTEN", "10.0.0.1:7000"}, {"GATEHOUSE_HEARTBEAT", "7"}});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.config.session_ttl, 300);
  EXPECT_EQ(p.config.listen_host, "127.0.0.1");
  EXPECT_EQ(p.config.listen_port, 1);
  EXPECT_EQ(p.config.heartbeat, 7);
}

TEST(Config, AnUnknownFlagIsAOneLineError) {
  expect_one_line_error(parse({"--no-such-flag"}), "--no-such-flag");
  expect_one_line_error(parse({"--no-such-flag=1"}), "--no-such-flag");
  expect_one_line_error(parse({"stray"}), "stray");
}

TEST(Config, RateLimitsAndTrustedProxiesAreValidated) {
  auto const defaults = parse({}).config;
  EXPECT_EQ(defaults.session_rate_limit.per_second, 10);
  EXPECT_EQ(defaults.session_rate_limit.burst, 100);
  EXPECT_TRUE(defaults.failed_auth_rate_limit.enabled());
  auto const p = parse({"--session-rate-limit", "2.5:7", "--failed-auth-rate-limit", "off", "--trusted-proxies",
                        "10.0.0.0/8, ::1"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.config.session_rate_limit.per_second, 2.5);
  EXPECT_EQ(p.config.session_rate_limit.burst, 7);
  EXPECT_FALSE(p.config.failed_auth_rate_limit.enabled());
  EXPECT_EQ(parse({"--session-rate-limit", "3"}).config.session_rate_limit.burst, 30);
  for (std::string bad : {"", "-1", "x", "1:0", "1:", ":5", "1:2:3", "nan"}) {
    expect_one_line_error(parse({"--session-rate-limit", bad}), "--session-rate-limit");
  }
  for (std::string bad : {"10.0.0.0/33", "example.com", "1.2.3.4/", "::1/129", "10.0.0.0/8;1.2.3.4"}) {
    expect_one_line_error(parse({"--trusted-proxies", bad}), "--trusted-proxies");
  }
}

TEST(Config, TheApiKeyPrefixIsValidated) {
  EXPECT_EQ(parse({}).config.api_key_prefix, "gk_");
  auto const ok = parse({"--api-key-prefix", "acme_"});
  ASSERT_EQ(ok.error, "");
  EXPECT_EQ(ok.config.api_key_prefix, "acme_");
  for (std::string bad : {"acme", "ACME_", "gs_", "gt_", "a-b_", "x"}) {
    expect_one_line_error(parse({"--api-key-prefix", bad}), "--api-key-prefix");
  }
}

TEST(Config, AFlagWithoutItsValueIsAOneLineError) {
  expect_one_line_error(parse({"--listen"}), "--listen");
  expect_one_line_error(parse({"--dev", "--session-ttl"}), "--session-ttl");
}

TEST(Config, ABadValueIsAOneLineErrorNamingTheFlag) {
  expect_one_line_error(parse({"--session-ttl", "abc"}), "--session-ttl");
  expect_one_line_error(parse({"--session-ttl", "0"}), "--session-ttl");
  expect_one_line_error(parse({"--session-ttl", "10s"}), "--session-ttl");
  expect_one_line_error(parse({"--refresh-token-ttl", "0"}), "--refresh-token-ttl");
  expect_one_line_error(parse({"--listen", "8080"}), "--listen");
  expect_one_line_error(parse({"--listen", "host:70000"}), "--listen");
  expect_one_line_error(parse({"--listen", ":8080"}), "--listen");
  expect_one_line_error(parse({"--threads", "0"}), "--threads");
  expect_one_line_error(parse({"--db-connections", "0"}), "--db-connections");
  expect_one_line_error(parse({"--db-connections", "65"}), "--db-connections");
  expect_one_line_error(parse({"--log-level", "loud"}), "--log-level");
  expect_one_line_error(parse({"--dev=maybe"}), "--dev");
  expect_one_line_error(parse({"--jwks-url", "ftp://example.com/jwks"}), "--jwks-url");
  expect_one_line_error(parse({"--authorized-parties", " , "}), "--authorized-parties");
}

TEST(Config, ABadEnvironmentValueIsAOneLineErrorNamingTheVariable) {
  expect_one_line_error(parse({}, {{"GATEHOUSE_SESSION_TTL", "forever"}}), "GATEHOUSE_SESSION_TTL");
  expect_one_line_error(parse({}, {{"GATEHOUSE_LISTEN", "nowhere"}}), "GATEHOUSE_LISTEN");
}

TEST(Config, AnEmptyEnvironmentVariableCountsAsUnset) {
  auto p = parse({}, {{"GATEHOUSE_ISSUER", ""}, {"GATEHOUSE_JWKS_URL", ""}, {"GATEHOUSE_SESSION_TTL", ""}});
  ASSERT_EQ(p.error, "");
  EXPECT_FALSE(p.config.issuer.has_value());
  EXPECT_FALSE(p.config.jwks_url.has_value());
  EXPECT_EQ(p.config.session_ttl, 1800);
}

TEST(Config, HelpIsRecognised) {
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--listen", "1.2.3.4:5", "--help"}).help);
  EXPECT_EQ(parse({"--help"}).error, "");
}

TEST(Config, UsageListsEveryFlagAndEnvironmentVariable) {
  std::string const text = usage();
  for (auto const& [flag, env] : all_flags) {
    EXPECT_NE(text.find("--" + flag), std::string::npos) << flag;
    EXPECT_NE(text.find(env), std::string::npos) << env;
  }
  EXPECT_NE(text.find("--help"), std::string::npos);
}

TEST(Config, EveryFlagInTheUsageIsAcceptedAndEveryVariableIsRead) {
  std::string const text = usage();
  std::set<std::string> documented_env;
  for (std::size_t at = text.find("GATEHOUSE_"); at != std::string::npos; at = text.find("GATEHOUSE_", at + 1)) {
    auto const end = text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_", at);
    documented_env.insert(text.substr(at, end - at));
  }
  std::set<std::string> looked_up;
  parse_config({}, [&looked_up](std::string const& name) -> std::optional<std::string> {
    looked_up.insert(name);
    return std::nullopt;
  });
  EXPECT_EQ(looked_up, documented_env);
  std::set<std::string> expected_env{"GATEHOUSE_CONFIG"};
  for (auto const& [flag, env] : all_flags) expected_env.insert(env);
  EXPECT_EQ(documented_env, expected_env);

  for (std::size_t at = text.find("  --"); at != std::string::npos; at = text.find("  --", at + 1)) {
    auto const end = text.find_first_of(" =\n", at + 4);
    std::string const flag = text.substr(at + 2, end - at - 2);
    if (flag == "--help") continue;
    auto p = parse({flag});
    EXPECT_EQ(p.error.find("unknown flag"), std::string::npos) << flag << ": " << p.error;
  }
}

class ConfigFile : public ::testing::Test {
 protected:
  std::string write(std::string const& json) {
    std::ofstream(dir_ / "gatehouse.json") << json;
    return (dir_ / "gatehouse.json").string();
  }
  gatehouse::testing::TempDir dir_;
};

TEST_F(ConfigFile, SettingsComeFromTheFileThenTheEnvironmentThenFlags) {
  std::string const path = write(R"({"session-ttl": 600, "heartbeat": 9, "listen": "127.0.0.1:7000",
                                     "authorized-parties": ["https://a.example", "https://b.example"], "dev": true,
                                     "session-rate-limit": "5:20"})");
  auto const p = parse({"--config", path, "--heartbeat", "3"}, {{"GATEHOUSE_SESSION_TTL", "900"}});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.config.session_ttl, 900);  // the environment wins over the file
  EXPECT_EQ(p.config.heartbeat, 3);      // a flag wins over both
  EXPECT_EQ(p.config.listen_port, 7000);
  EXPECT_EQ(p.config.authorized_parties, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_TRUE(p.config.dev);
  EXPECT_EQ(p.config.session_rate_limit.burst, 20);
  auto source = [&](std::string const& name) {
    for (auto const& s : p.settings) {
      if (s.name == name) return s.source;
    }
    return std::string("missing");
  };
  EXPECT_EQ(source("session-ttl"), "environment");
  EXPECT_EQ(source("heartbeat"), "flag");
  EXPECT_EQ(source("listen"), "config file");
  EXPECT_EQ(source("db"), "default");
  // GATEHOUSE_CONFIG names the file too.
  EXPECT_EQ(parse({}, {{"GATEHOUSE_CONFIG", path}}).config.listen_port, 7000);
}

TEST_F(ConfigFile, ABadFileIsAOneLineErrorNamingTheFileAndKey) {
  expect_one_line_error(parse({"--config", (dir_ / "missing.json").string()}), "missing.json");
  expect_one_line_error(parse({"--config", write("{not json")}), "invalid JSON");
  expect_one_line_error(parse({"--config", write("[1]")}), "JSON object");
  expect_one_line_error(parse({"--config", write(R"({"no-such-flag": 1})")}), "no-such-flag");
  expect_one_line_error(parse({"--config", write(R"({"session-ttl": 0})")}), "session-ttl");
  expect_one_line_error(parse({"--config", write(R"({"session-ttl": {"a": 1}})")}), "session-ttl");
  expect_one_line_error(parse({"--config", write(R"({"heartbeat": 5, "heartbeat": 6})")}), "duplicate");
}

TEST_F(ConfigFile, CheckConfigListsEverySettingWithItsSource) {
  std::string const path = write(R"({"jwks-url": "https://clerk.example/.well-known/jwks.json"})");
  auto const p = parse({"--config", path, "--check-config", "--heartbeat", "4"});
  ASSERT_EQ(p.error, "");
  EXPECT_TRUE(p.check);
  std::string const text = gatehouse::app::describe_settings(p.settings);
  EXPECT_NE(text.find("https://clerk.example/.well-known/jwks.json"), std::string::npos) << text;
  EXPECT_NE(text.find("[config file]"), std::string::npos) << text;
  EXPECT_NE(text.find("[flag]"), std::string::npos) << text;
  EXPECT_NE(text.find("(default)"), std::string::npos) << text;
  EXPECT_EQ(p.settings.size(), all_flags.size());
}

TEST_F(ConfigFile, CredentialsInAUrlAreNeverEchoed) {
  auto const p = parse({"--config", write(R"({"jwks-url": "https://user:s3cret@clerk.example/jwks.json"})")});
  EXPECT_FALSE(p.error.empty());
  EXPECT_EQ(p.error.find("s3cret"), std::string::npos) << p.error;
  auto const flag = parse({"--jwks-url", "https://user:s3cret@clerk.example/jwks.json"});
  EXPECT_EQ(flag.error.find("s3cret"), std::string::npos) << flag.error;
}

}  // namespace
