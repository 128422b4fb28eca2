// gatehouse admin: the real binary run as a command against a real server over its admin socket.
// Listing, revocation (streams close as on logout), plans, online backup during writes, the
// socket's permissions, and the exit codes.
#include "stream_test_support.hpp"
#include "support/gatehouse_command.hpp"

#include "gatehouse/crypto/sha256.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

namespace gatehouse::testing {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// A member as text: strings as they are, null as "null", anything else serialized.
std::string field(boost::json::object const& o, std::string_view key) {
  auto const& v = o.at(key);
  return v.is_string() ? std::string(v.get_string()) : boost::json::serialize(v);
}

// The item of a listing whose "id" is `id`; null when absent.
boost::json::object const* item_with_id(boost::json::value const& listing, std::string_view key, std::string const& id) {
  for (auto const& item : listing.at(key).as_array()) {
    if (item.at("id").as_string() == id) return &item.as_object();
  }
  return nullptr;
}

}  // namespace

class Admin : public GatehouseTest {
 protected:
  void SetUp() override { start({"--heartbeat", "30"}); }

  std::filesystem::path socket_path() const { return db_path().string() + ".admin.sock"; }

  // gatehouse admin --database <the server's database> args...
  Exit admin(std::vector<std::string> args) const {
    args.insert(args.begin(), {"admin", "--database", db_path().string()});
    return run_gatehouse(std::move(args));
  }

  // The --json answer of a command that must succeed.
  boost::json::value admin_json(std::vector<std::string> args) const {
    args.push_back("--json");
    Exit const run = admin(std::move(args));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    boost::system::error_code ec;
    auto value = boost::json::parse(run.out, ec);
    EXPECT_FALSE(ec) << run.out;
    return ec ? boost::json::value() : value;
  }
};

TEST_F(Admin, PrincipalsListsAnonymousAndUserPrincipals) {
  std::string const user = principal_of(user_session("user_admin_listing"));
  std::string const anonymous = principal_of(anonymous_session("device-admin-listing"));

  auto const all = admin_json({"principals"});
  auto const* u = item_with_id(all, "principals", user);
  auto const* a = item_with_id(all, "principals", anonymous);
  ASSERT_TRUE(u && a) << boost::json::serialize(all);
  EXPECT_EQ(field(*u, "kind"), "user");
  EXPECT_EQ(field(*u, "clerk_user_id"), "user_admin_listing");
  EXPECT_EQ(field(*u, "device_id"), "null");
  EXPECT_EQ(field(*a, "kind"), "anonymous");
  EXPECT_EQ(field(*a, "device_id"), "device-admin-listing");
  EXPECT_EQ(field(a->at("subscription").as_object(), "plan"), "free");
  EXPECT_TRUE(is_rfc3339_utc(field(*a, "created_at")));

  auto const users = admin_json({"principals", "--kind", "user"});
  EXPECT_TRUE(item_with_id(users, "principals", user));
  EXPECT_FALSE(item_with_id(users, "principals", anonymous));
  EXPECT_EQ(admin_json({"principals", "--limit", "1"}).at("principals").as_array().size(), 1u);

  Exit const table = admin({"principals"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("ID", 0), 0u) << table.out;
  EXPECT_NE(table.out.find(user), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("device-admin-listing"), std::string::npos) << table.out;
}

TEST_F(Admin, SessionsListsSessionsButNeverTokensOrTheirHashes) {
  std::string const token = anonymous_session("device-admin-sessions");
  std::string const session = session_id_of(port(), token);
  std::string const principal = principal_of(token);

  auto const listing = admin_json({"sessions", "--principal", principal});
  auto const* s = item_with_id(listing, "sessions", session);
  ASSERT_TRUE(s) << boost::json::serialize(listing);
  EXPECT_EQ(field(*s, "principal_id"), principal);
  EXPECT_EQ(field(*s, "kind"), "anonymous");
  EXPECT_EQ(field(*s, "state"), "live");
  EXPECT_TRUE(is_rfc3339_utc(field(*s, "last_seen")));  // whoami just used it

  Exit const table = admin({"sessions"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find(session), std::string::npos) << table.out;
  std::string const hash = lower(db_hex(crypto::sha256(token)));
  for (std::string const& out : {boost::json::serialize(listing), table.out}) {
    EXPECT_EQ(out.find(token), std::string::npos);
    EXPECT_EQ(out.find("gs_"), std::string::npos);
    EXPECT_EQ(lower(out).find(hash), std::string::npos);
    EXPECT_EQ(lower(out).find("hash"), std::string::npos);
  }
}

TEST_F(Admin, RevokeSessionKillsTheTokenAndClosesItsSseAndWebSocketStreamsWithinOneSecond) {
  std::string const token = anonymous_session("device-admin-revoke");
  std::string const sibling = anonymous_session("device-admin-revoke");  // same principal, stays
  std::string const research = create_research(port(), token);
  SseClient sse(port(), events_path(research), bearer(token));
  ASSERT_EQ(sse.status(), 200) << sse.body();
  WsClient ws(port(), "/ws", bearer(token));
  ASSERT_TRUE(IsMessage(ws.receive(), "welcome"));

  auto const t0 = Clock::now();
  Exit const run = admin({"revoke-session", session_id_of(port(), token)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "revoked 1 session\n");
  expect_sse_revoked(sse, t0);
  expect_ws_revoked(ws, t0);
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", token), "revoked"));
  EXPECT_EQ(get(port(), "/auth/whoami", sibling).status, 200);
}

TEST_F(Admin, RevokePrincipalRevokesEveryOneOfItsSessionsAndNoOtherPrincipals) {
  std::string const first = anonymous_session("device-admin-principal");
  std::string const second = anonymous_session("device-admin-principal");
  std::string const bystander = anonymous_session("device-admin-bystander");
  std::string const research = create_research(port(), second);
  SseClient sse(port(), events_path(research), bearer(second));
  ASSERT_EQ(sse.status(), 200) << sse.body();

  auto const t0 = Clock::now();
  Exit const run = admin({"revoke-principal", principal_of(first)});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "revoked 2 sessions\n");
  expect_sse_revoked(sse, t0);
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", first), "revoked"));
  EXPECT_TRUE(IsInvalidToken(get(port(), "/auth/whoami", second), "revoked"));
  EXPECT_EQ(get(port(), "/auth/whoami", bystander).status, 200);
  // Nothing left to revoke: not an error, and nothing more happens.
  EXPECT_EQ(admin({"revoke-principal", principal_of(bystander)}).out, "revoked 1 session\n");
}

TEST_F(Admin, SetPlanShowsInTheBootstrapSubscription) {
  std::string const token = user_session("user_admin_plan");
  Exit const run = admin({"set-plan", principal_of(token), "pro", "--status", "trialing", "--period-end",
                          "2031-01-02T03:04:05Z"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("plan pro"), std::string::npos) << run.out;

  auto const bootstrap = get(port(), "/auth/bootstrap", token);
  ASSERT_EQ(bootstrap.status, 200) << bootstrap.body;
  auto const subscription = bootstrap.json().at("subscription").as_object();
  EXPECT_EQ(field(subscription, "plan"), "pro");
  EXPECT_EQ(field(subscription, "status"), "trialing");
  EXPECT_EQ(field(subscription, "current_period_end"), "2031-01-02T03:04:05Z");

  // Back to free, status defaulting to active, no period end.
  ASSERT_EQ(admin({"set-plan", principal_of(token), "free"}).exit_code, 0);
  auto const again = get(port(), "/auth/bootstrap", token).json().at("subscription").as_object();
  EXPECT_EQ(field(again, "plan"), "free");
  EXPECT_EQ(field(again, "status"), "active");
  EXPECT_EQ(field(again, "current_period_end"), "null");
}

TEST_F(Admin, BackupTakenDuringWritesIsIntactAndHoldsTheRows) {
  std::string const token = anonymous_session("device-admin-backup");
  constexpr int items_before = 50;
  for (int i = 0; i < items_before; ++i) create_research(port(), token, "before-" + std::to_string(i));
  // Over a megabyte, so that the backup takes several steps with writes between them.
  std::string const ballast = create_research(port(), token, "ballast");
  std::string const kilobytes_of_data = R"({"blob":")" + std::string(16 * 1024, 'x') + R"("})";
  for (int i = 0; i < 80; ++i) post_event(port(), token, ballast, "blob", kilobytes_of_data);
  std::string const research = create_research(port(), token, "busy");

  // A writer posting events for as long as the backup runs (and at least until it has written one).
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    while (!stop.load()) {
      auto const res = post(port(), events_path(research), R"({"event":"tick","data":{"n":1}})", token);
      if (res.status == 201) ++written;
    }
  });
  while (written.load() < 5) std::this_thread::yield();
  int const written_before_backup = written.load();
  auto const backup = dir() / "nested-name.db";
  Exit const run = admin({"backup", backup.string()});
  int const written_during_backup = written.load() - written_before_backup;
  stop = true;
  writer.join();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("backup written to " + backup.string()), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(" bytes"), std::string::npos) << run.out;
  std::cout << "[ measured ] backup during writes: " << run.out << "[ measured ] events committed while it ran: "
            << written_during_backup << "\n";

  EXPECT_EQ(file_text(backup, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(file_int(backup, "SELECT count(*) FROM research WHERE title LIKE 'before-%'"), items_before);
  auto const events_in_backup = file_int(backup, "SELECT count(*) FROM research_events WHERE research_id = ?1", {research});
  ASSERT_TRUE(events_in_backup);
  EXPECT_GE(*events_in_backup, written_before_backup);
  EXPECT_LE(*events_in_backup, written.load());
  // A consistent snapshot: the item's last_seq agrees with its events.
  EXPECT_EQ(file_int(backup, "SELECT last_seq FROM research WHERE id = ?1", {research}), events_in_backup);

  struct stat st {};
  ASSERT_EQ(::stat(backup.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "a backup holds what the database holds";
  for (auto const& entry : std::filesystem::directory_iterator(dir().path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST_F(Admin, BackupRefusesToOverwriteAnExistingFileUnlessForced) {
  auto const existing = dir() / "existing.db";
  std::ofstream(existing) << "precious";
  Exit const refused = admin({"backup", existing.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("already exists"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file(existing), "precious");

  Exit const forced = admin({"backup", existing.string(), "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(file_text(existing, "PRAGMA integrity_check"), "ok");

  Exit const onto_live = admin({"backup", db_path().string(), "--force"});
  EXPECT_EQ(onto_live.exit_code, 1);
  EXPECT_NE(onto_live.err.find("is the live database"), std::string::npos) << onto_live.err;
  EXPECT_EQ(db_text("PRAGMA integrity_check"), "ok");
}

TEST_F(Admin, AdminRoutesAreNotServedOnTheTcpListener) {
  std::string const token = anonymous_session("device-admin-tcp");
  EXPECT_TRUE(IsError(get(port(), "/admin/principals"), 404, "Not found"));
  EXPECT_TRUE(IsError(get(port(), "/admin/sessions", token), 404, "Not found"));
  EXPECT_TRUE(IsError(del(port(), "/admin/sessions/" + session_id_of(port(), token), token), 404, "Not found"));
  EXPECT_TRUE(IsError(put(port(), "/admin/principals/" + principal_of(token) + "/plan", R"({"plan":"pro"})", token), 404,
                      "Not found"));
  EXPECT_TRUE(IsError(post(port(), "/admin/backup", R"({"path":"/tmp/x.db"})", token), 404, "Not found"));
  EXPECT_EQ(get(port(), "/auth/whoami", token).status, 200);
}

TEST_F(Admin, TheSocketIsMode0600AndRemovedAtShutdown) {
  struct stat st {};
  ASSERT_EQ(::lstat(socket_path().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  EXPECT_EQ(server().stop(), 0);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(socket_path())));
}

TEST_F(Admin, AStaleSocketLeftByACrashIsReplaced) {
  EXPECT_EQ(server().stop(SIGKILL), 128 + SIGKILL);
  ASSERT_TRUE(std::filesystem::exists(std::filesystem::symlink_status(socket_path())));
  restart();
  Exit const run = admin({"principals"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST_F(Admin, ASecondServerDoesNotStealALiveSocket) {
  Exit const run = run_gatehouse({"--listen", "127.0.0.1:0", "--db", (dir() / "other.db").string(), "--admin-socket",
                                  socket_path().string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("in use by a running gatehouse"), std::string::npos) << run.err;
  EXPECT_EQ(admin({"principals"}).exit_code, 0);
}

TEST_F(Admin, APeerOfAnotherUidIsRefusedWith403EvenWhenTheFileModeLetsItIn) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect as another uid";
  // Widen the file modes by hand, as a careless operator might: the peer check still holds.
  ASSERT_EQ(::chmod(dir().path().c_str(), 0711), 0);
  ASSERT_EQ(::chmod(socket_path().c_str(), 0666), 0);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  std::string const path = socket_path().string();
  pid_t const child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Only async-signal-safe calls between fork and _exit.
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    int const fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ::_exit(11);
    static char const request[] = "GET /admin/principals HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (::write(fd, request, sizeof request - 1) < 0) ::_exit(12);
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) {
      if (::write(pipe_fds[1], buf, static_cast<std::size_t>(n)) < 0) ::_exit(13);
    }
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  EXPECT_EQ(answer.rfind("HTTP/1.1 403", 0), 0u) << answer;
  EXPECT_NE(answer.find("is neither the server's user nor root"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("principals\":"), std::string::npos) << answer;
}

TEST_F(Admin, UnknownIdsExitOneWithTheServersDetail) {
  Exit const session = admin({"revoke-session", "s_does_not_exist"});
  EXPECT_EQ(session.exit_code, 1);
  EXPECT_EQ(session.err, "gatehouse admin: Session not found\n");
  EXPECT_EQ(session.out, "");
  Exit const principal = admin({"set-plan", "p_does_not_exist", "pro"});
  EXPECT_EQ(principal.exit_code, 1);
  EXPECT_EQ(principal.err, "gatehouse admin: Principal not found\n");
  Exit const revoke = admin({"revoke-principal", "p_does_not_exist"});
  EXPECT_EQ(revoke.exit_code, 1);
  EXPECT_EQ(revoke.err, "gatehouse admin: Principal not found\n");
  Exit const plan = admin({"set-plan", principal_of(anonymous_session("device-admin-bad-plan")), "Pro Plan!"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_NE(plan.err.find("plan must be"), std::string::npos) << plan.err;
}

TEST_F(Admin, AServerThatIsNotRunningExitsThreeNamingTheSocket) {
  stop_server();
  Exit const run = admin({"principals"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find(socket_path().string()), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST_F(Admin, BadUsageExitsTwoWithoutContactingTheServer) {
  for (std::vector<std::string> const& args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"revoke-session"},
           {"revoke-session", "a", "b"},
           {"principals", "--limit", "0"},
           {"principals", "--kind", "robot"},
           {"sessions", "--force"},
           {"set-plan", "p_x", "pro", "--period-end", "next tuesday"},
       }) {
    Exit const run = admin(args);
    EXPECT_EQ(run.exit_code, 2) << (args.empty() ? "(no command)" : args.front()) << ": " << run.err;
    EXPECT_EQ(run.err.rfind("gatehouse admin: ", 0), 0u) << run.err;
  }
  Exit const both = run_gatehouse({"admin", "--socket", "/tmp/x.sock", "--database", "/tmp/x.db", "principals"});
  EXPECT_EQ(both.exit_code, 2);
  Exit const help = run_gatehouse({"admin", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("revoke-principal"), std::string::npos);
}

TEST_F(Admin, TheSocketIsFoundFromTheServersConfigFile) {
  auto const config = dir() / "gatehouse.json";
  std::ofstream(config) << R"({"db": ")" << db_path().string() << R"("})";
  Exit const run = run_gatehouse({"admin", "--config", config.string(), "principals"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  Exit const via_env = run_gatehouse({"admin", "principals"}, {"GATEHOUSE_ADMIN_SOCKET=" + socket_path().string()});
  EXPECT_EQ(via_env.exit_code, 0) << via_env.err;
}

TEST_F(Admin, AnAdminSocketSetToOffIsNotCreated) {
  stop_server();
  start({"--admin-socket", "off"});
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(socket_path())));
  Exit const run = admin({"principals"});
  EXPECT_EQ(run.exit_code, 3);
}

}  // namespace gatehouse::testing
