#include "gatehouse/admin/admin_cli.hpp"

#include "gatehouse/admin/admin_client.hpp"
#include "gatehouse/admin/admin_command.hpp"
#include "gatehouse/admin/admin_table.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/engine_copy.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>

namespace gatehouse::admin {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_refused = 1;
constexpr int exit_usage = 2;
constexpr int exit_unreachable = 3;

struct SocketLookup {
  std::optional<std::filesystem::path> path;
  std::string error;  // a usage error (a bad --config)
  bool disabled = false;
};

// The same default as the server's: from --database, else from the server's own configuration.
SocketLookup find_socket(AdminInvocation const& inv, app::EnvLookup const& env) {
  if (inv.socket) return {inv.socket, {}, false};
  if (inv.database) return {std::filesystem::path(inv.database->string() + ".admin.sock"), {}, false};
  std::vector<std::string> config_args;
  if (inv.config_file) config_args = {"--config", *inv.config_file};
  auto const parsed = app::parse_config(config_args, env);
  if (!parsed.error.empty()) return {std::nullopt, parsed.error, false};
  auto path = parsed.config.effective_admin_socket();
  return {path, {}, !path};
}

void print_refusal(AdminReply const& reply) {
  boost::system::error_code ec;
  auto const value = boost::json::parse(reply.body, ec);
  std::string detail;
  if (!ec && value.is_object()) {
    if (auto const* d = value.as_object().if_contains("detail"); d && d->is_string()) detail = d->get_string();
  }
  if (detail.empty()) detail = "HTTP " + std::to_string(reply.status);
  std::fprintf(stderr, "gatehouse admin: %s\n", detail.c_str());
}

// Runs here, not through the server: the SQLite deployment is stopped, the PostgreSQL one not
// started yet.
int migrate_to_postgres(AdminInvocation const& inv) {
  try {
    auto const copied = store::copy_sqlite_to_postgres(*inv.copy_from, *inv.copy_to);
    for (auto const& table : copied) std::printf("%-16s %lld rows\n", table.name.c_str(), static_cast<long long>(table.rows));
    std::printf("copied into %s\n", store::DatabaseLocation::parse(*inv.copy_to).describe().c_str());
    return exit_ok;
  } catch (store::CopyRefused const& e) {
    std::fprintf(stderr, "gatehouse admin: %s\n", e.what());
    return exit_refused;
  } catch (store::DbError const& e) {
    std::fprintf(stderr, "gatehouse admin: %s\n", e.what());
    return e.unavailable() ? exit_unreachable : exit_refused;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "gatehouse admin: %s\n", e.what());
    return exit_refused;
  }
}

}  // namespace

int run_admin(std::vector<std::string> const& args, app::EnvLookup const& env) {
  std::error_code cwd_error;
  auto const cwd = std::filesystem::current_path(cwd_error);
  auto const parsed = parse_admin_command(args, cwd);
  if (parsed.help) {
    std::fputs(admin_usage().c_str(), stdout);
    return exit_ok;
  }
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "gatehouse admin: %s\n", parsed.error.c_str());
    return exit_usage;
  }
  AdminInvocation const& inv = parsed.invocation;
  if (inv.command == Command::migrate_to_postgres) return migrate_to_postgres(inv);
  auto const socket = find_socket(inv, env);
  if (!socket.error.empty()) {
    std::fprintf(stderr, "gatehouse admin: %s\n", socket.error.c_str());
    return exit_usage;
  }
  if (socket.disabled) {
    std::fputs("gatehouse admin: the server's admin socket is disabled (--admin-socket off); nothing to talk to\n",
               stderr);
    return exit_unreachable;
  }
  // A backup takes as long as the database is big; everything else answers at once.
  auto const timeout = inv.command == Command::backup ? std::chrono::seconds(0) : std::chrono::seconds(60);
  AdminReply reply;
  try {
    reply = call_admin(*socket.path, inv.request, timeout);
  } catch (AdminUnreachable const& e) {
    std::fprintf(stderr, "gatehouse admin: %s\n", e.what());
    return exit_unreachable;
  }
  if (reply.status < 200 || reply.status >= 300) {
    print_refusal(reply);
    return exit_refused;
  }
  boost::system::error_code ec;
  auto const body = boost::json::parse(reply.body, ec);
  if (ec || !body.is_object()) {
    std::fprintf(stderr, "gatehouse admin: the server answered something that is not a JSON object\n");
    return exit_refused;
  }
  std::string const out = inv.json ? boost::json::serialize(body) + "\n" : format_reply(inv.command, body.as_object());
  std::fputs(out.c_str(), stdout);
  return exit_ok;
}

}  // namespace gatehouse::admin
