// The command line and the environment: --help, refusals of bad flags, GATEHOUSE_* variables.
#include "e2e/expectations.hpp"
#include "support/gatehouse_command.hpp"
#include "support/gatehouse_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>

namespace gatehouse::testing {

namespace {

std::size_t line_count(std::string const& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

// Every flag gatehouse documents; a flag added to the binary must be added here and to the docs.
std::set<std::string> const documented_flags = {
    "--listen",     "--db",         "--jwks-url",         "--issuer",         "--authorized-parties",
    "--session-ttl", "--clock-skew", "--threads",         "--heartbeat",      "--secrets-key",
    "--jwks-refresh", "--jwks-min-refetch", "--session-purge-grace", "--api-key-prefix", "--config", "--check-config", "--session-rate-limit", "--failed-auth-rate-limit", "--trusted-proxies", "--max-connections", "--node-id", "--db-connections", "--refresh-token-ttl", "--request-timeout", "--cors-origins", "--tls-cert", "--tls-key", "--log-level", "--admin-socket", "--dev", "--help"};

}  // namespace

class Configuration : public GatehouseTest {};

TEST_F(Configuration, HelpExitsZeroAndListsEveryFlag) {
  Exit const run = run_gatehouse({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  std::set<std::string> listed;
  std::regex const flag(R"((?:^|\n)\s+(--[a-z][a-z-]*))");
  for (auto it = std::sregex_iterator(run.out.begin(), run.out.end(), flag); it != std::sregex_iterator(); ++it) {
    listed.insert((*it)[1].str());
  }
  EXPECT_EQ(listed, documented_flags) << run.out;
}

TEST_F(Configuration, EveryFlagInTheHelpIsAccepted) {
  Exit const help = run_gatehouse({"--help"});
  std::regex const flag(R"((?:^|\n)\s+(--[a-z][a-z-]*))");
  for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), flag); it != std::sregex_iterator(); ++it) {
    std::string const name = (*it)[1].str();
    if (name == "--help" || name == "--dev" || name == "--check-config") continue;
    // Without its value a known flag says so; an unknown one would say "unknown flag".
    Exit const run = run_gatehouse({name});
    EXPECT_NE(run.exit_code, 0) << name;
    EXPECT_EQ(run.err.find("unknown flag"), std::string::npos) << name << ": " << run.err;
    EXPECT_NE(run.err.find("needs a value"), std::string::npos) << name << ": " << run.err;
  }
}

TEST_F(Configuration, CheckConfigPrintsTheEffectiveSettingsAndExitsZero) {
  auto const path = dir() / "gatehouse.json";
  std::ofstream(path) << R"({"session-ttl": 600, "listen": "127.0.0.1:7070"})";
  Exit const ok = run_gatehouse({"--config", path.string(), "--check-config", "--heartbeat", "5"},
                                {"GATEHOUSE_SESSION_TTL=900"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("configuration ok"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("127.0.0.1:7070"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("900"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("[environment]"), std::string::npos) << ok.out;
  EXPECT_FALSE(std::filesystem::exists(dir() / "gatehouse.db"));  // nothing was started or created

  std::ofstream(path) << R"({"session-ttl": "soon"})";
  Exit const bad = run_gatehouse({"--config", path.string(), "--check-config"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(line_count(bad.err), 1u) << bad.err;
  EXPECT_NE(bad.err.find("session-ttl"), std::string::npos) << bad.err;
}

TEST_F(Configuration, TlsCertWithoutTlsKeyIsAConfigError) {
  Exit const run = run_gatehouse({"--tls-cert", (dir() / "server.pem").string(), "--db", db_path().string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(line_count(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("--tls-cert needs --tls-key"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(db_path()));  // refused before anything started

  Exit const env_only = run_gatehouse({"--check-config"}, {"GATEHOUSE_TLS_KEY=/etc/gatehouse/key.pem"});
  EXPECT_EQ(env_only.exit_code, 2);
  EXPECT_NE(env_only.err.find("--tls-key needs --tls-cert"), std::string::npos) << env_only.err;
}

TEST_F(Configuration, UnknownFlagExitsNonZeroWithOneLineOnStderr) {
  Exit const run = run_gatehouse({"--no-such-flag"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(line_count(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("--no-such-flag"), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
}

TEST_F(Configuration, BadFlagValuesExitNonZeroWithOneLineOnStderr) {
  std::vector<std::vector<std::string>> const cases = {
      {"--session-ttl", "abc"}, {"--session-ttl", "0"},        {"--threads", "0"},   {"--listen", "nowhere"},
      {"--listen", "127.0.0.1:99999"}, {"--jwks-url", "ftp://example.com/jwks"}, {"--log-level", "loud"},
      {"--clock-skew", "-1"},   {"--dev=maybe"},               {"--db"},             {"stray-argument"}};
  for (auto const& args : cases) {
    Exit const run = run_gatehouse(args);
    std::string const shown = args[0] + (args.size() > 1 ? " " + args[1] : "");
    EXPECT_NE(run.exit_code, 0) << shown;
    EXPECT_EQ(line_count(run.err), 1u) << shown << ": " << run.err;
    EXPECT_EQ(run.err.rfind("gatehouse: ", 0), 0u) << shown << ": " << run.err;
    EXPECT_TRUE(run.out.empty()) << shown << ": " << run.out;
  }
}

TEST_F(Configuration, BadEnvironmentValueExitsNonZeroNamingTheVariable) {
  Exit const run = run_gatehouse({}, {"GATEHOUSE_SESSION_TTL=soon"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(line_count(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("GATEHOUSE_SESSION_TTL"), std::string::npos) << run.err;
}

TEST_F(Configuration, UnusableDatabasePathExitsNonZeroWithOneLineOnStderr) {
  Exit const run = run_gatehouse({"--listen", "127.0.0.1:0", "--db", (dir() / "missing-dir" / "x.db").string()});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(line_count(run.err), 1u) << run.err;
  EXPECT_NE(run.err.find("missing-dir"), std::string::npos) << run.err;
}

TEST_F(Configuration, SessionTtlComesFromTheEnvironment) {
  ::setenv("GATEHOUSE_SESSION_TTL", "77", 1);
  start();  // the server inherits the test's environment
  ::unsetenv("GATEHOUSE_SESSION_TTL");
  auto const res = post(port(), "/auth/anonymous", R"({"device_id":"env-device"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(num(res.json(), "expires_in"), 77);
  auto const who = get(port(), "/auth/whoami", str(res.json(), "token"));
  EXPECT_LE(num(who.json(), "expires_in"), 77);
  EXPECT_GE(num(who.json(), "expires_in"), 70);
}

TEST_F(Configuration, FlagsWinOverTheEnvironment) {
  ::setenv("GATEHOUSE_SESSION_TTL", "77", 1);
  start({"--session-ttl", "99"});
  ::unsetenv("GATEHOUSE_SESSION_TTL");
  auto const res = post(port(), "/auth/anonymous", R"({"device_id":"flag-device"})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(num(res.json(), "expires_in"), 99);
}

TEST_F(Configuration, SessionTtlFlagSetsExpiresIn) {
  start({"--session-ttl", "600"});
  ASSERT_TRUE(wait_for_jwks_loaded());
  auto const res = exchange("Bearer " + mint_jwt("user_ttl"));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(num(res.json(), "expires_in"), 600);
}

}  // namespace gatehouse::testing
