// The `gatehouse admin` command line: which request each command makes, where the socket is
// looked for, and every usage error (exit 2) caught before anything is sent.
#include "gatehouse/admin/admin_command.hpp"
#include "gatehouse/admin/admin_table.hpp"
#include "gatehouse/net/admin_socket.hpp"
#include "gatehouse/util/clock.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace gatehouse::admin {

namespace {

AdminParse parse(std::vector<std::string> const& args) { return parse_admin_command(args, "/home/op"); }

AdminRequest request_of(std::vector<std::string> const& args) {
  auto const p = parse(args);
  EXPECT_EQ(p.error, "");
  return p.invocation.request;
}

}  // namespace

TEST(AdminCommand, EachCommandMakesItsRequest) {
  auto r = request_of({"principals"});
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/admin/principals");
  EXPECT_EQ(request_of({"principals", "--kind", "user", "--limit", "5"}).target, "/admin/principals?kind=user&limit=5");
  EXPECT_EQ(request_of({"sessions", "--principal=p_1"}).target, "/admin/sessions?principal=p_1");
  r = request_of({"revoke-session", "s_1"});
  EXPECT_EQ(r.method, "DELETE");
  EXPECT_EQ(r.target, "/admin/sessions/s_1");
  EXPECT_EQ(request_of({"revoke-principal", "p_1"}).target, "/admin/principals/p_1/sessions");
  r = request_of({"set-plan", "p_1", "pro", "--status", "trialing", "--period-end", "2030-01-01T00:00:00Z"});
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.target, "/admin/principals/p_1/plan");
  EXPECT_EQ(boost::json::parse(r.body),
            boost::json::parse(R"({"plan":"pro","status":"trialing","current_period_end":"2030-01-01T00:00:00Z"})"));
}

TEST(AdminCommand, IdsAndValuesArePercentEncoded) {
  EXPECT_EQ(request_of({"revoke-session", "a/b?c"}).target, "/admin/sessions/a%2Fb%3Fc");
  EXPECT_EQ(request_of({"sessions", "--principal", "p 1&x"}).target, "/admin/sessions?principal=p%201%26x");
}

TEST(AdminCommand, ABackupDestinationIsMadeAbsoluteFromTheCallersDirectory) {
  auto r = request_of({"backup", "backups/today.db"});
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(boost::json::parse(r.body), boost::json::parse(R"({"path":"/home/op/backups/today.db","overwrite":false})"));
  r = request_of({"backup", "/var/backups/g.db", "--force"});
  EXPECT_EQ(boost::json::parse(r.body), boost::json::parse(R"({"path":"/var/backups/g.db","overwrite":true})"));
}

TEST(AdminCommand, MigrateToPostgresNeedsBothEndsAndMakesTheSourceAbsolute) {
  auto const p = parse({"migrate-to-postgres", "--from", "data/g.db", "--to", "postgresql://gh@db/gatehouse"});
  ASSERT_EQ(p.error, "");
  EXPECT_EQ(p.invocation.command, Command::migrate_to_postgres);
  EXPECT_EQ(p.invocation.copy_from, std::filesystem::path("/home/op/data/g.db"));
  EXPECT_EQ(p.invocation.copy_to, "postgresql://gh@db/gatehouse");
  EXPECT_NE(parse({"migrate-to-postgres", "--from", "g.db"}).error, "");
  EXPECT_NE(parse({"migrate-to-postgres", "--from", "g.db", "--to", "/tmp/other.db"}).error, "");
}

TEST(AdminCommand, GlobalOptionsGoAnywhere) {
  auto const p = parse({"principals", "--json", "--database", "/var/lib/g.db"});
  ASSERT_EQ(p.error, "");
  EXPECT_TRUE(p.invocation.json);
  EXPECT_EQ(p.invocation.database, std::filesystem::path("/var/lib/g.db"));
  auto const q = parse({"--socket", "/run/g.sock", "--config", "/etc/g.json", "sessions"});
  ASSERT_EQ(q.error, "");
  EXPECT_EQ(q.invocation.socket, std::filesystem::path("/run/g.sock"));
  EXPECT_EQ(q.invocation.config_file, "/etc/g.json");
  EXPECT_EQ(q.invocation.command, Command::sessions);
}

TEST(AdminCommand, UsageErrorsAreOneLineEach) {
  for (std::vector<std::string> const& args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"principals", "extra"},
           {"revoke-session"},
           {"set-plan", "p_1"},
           {"principals", "--limit", "0"},
           {"principals", "--limit", "10001"},
           {"principals", "--limit", "ten"},
           {"principals", "--kind", "robot"},
           {"principals", "--principal", "p_1"},
           {"backup", "x.db", "--force=yes"},
           {"set-plan", "p_1", "pro", "--period-end", "2030-13-01T00:00:00Z"},
           {"--socket", "/a", "--database", "/b", "principals"},
           {"principals", "--socket"},
           {"revoke-session", ""},
       }) {
    auto const p = parse(args);
    EXPECT_FALSE(p.error.empty()) << (args.empty() ? "(none)" : args.front());
    EXPECT_EQ(p.error.find('\n'), std::string::npos) << p.error;
  }
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"backup", "-h"}).help);
}

TEST(AdminTable, ColumnsAreAlignedAndNullsAreDashes) {
  EXPECT_EQ(format_table({"ID", "KIND"}, {{"p_1", "user"}, {"p_22", "-"}}),
            "ID    KIND\n"
            "p_1   user\n"
            "p_22  -\n");
  auto const reply = boost::json::parse(
      R"({"sessions":[{"id":"s_1","principal_id":"p_1","kind":"user","state":"live","created_at":"a","expires_at":"b","last_seen":null}]})");
  std::string const out = format_reply(Command::sessions, reply.as_object());
  EXPECT_NE(out.find("s_1  p_1        user  live   a           b           -"), std::string::npos) << out;
  EXPECT_EQ(format_reply(Command::revoke_principal, boost::json::parse(R"({"revoked":3})").as_object()),
            "revoked 3 sessions\n");
}

TEST(AdminSocketPeers, OnlyTheServersUidAndRootMayUseTheSocket) {
  EXPECT_TRUE(net::admin_peer_allowed(1000, 1000));
  EXPECT_TRUE(net::admin_peer_allowed(0, 1000));
  EXPECT_FALSE(net::admin_peer_allowed(1001, 1000));
  EXPECT_FALSE(net::admin_peer_allowed(65534, 0));
}

TEST(Rfc3339, ParsesUtcOffsetsAndFractionsAndRefusesTheRest) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-11-22T15:04:05Z"), 1795359845);
  EXPECT_EQ(parse_rfc3339("2026-11-22T17:04:05.250+02:00"), 1795359845);
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z"), 1709164800);
  for (char const* bad : {"", "2026-11-22", "2026-11-22 15:04:05Z", "2026-11-22T15:04:05", "2023-02-29T00:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T15:04:05+2:00",
                          "2026-11-22T15:04:05.Z", "next tuesday"}) {
    EXPECT_EQ(parse_rfc3339(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(rfc3339(*parse_rfc3339("2031-01-02T03:04:05Z")), "2031-01-02T03:04:05Z");
}

}  // namespace gatehouse::admin
