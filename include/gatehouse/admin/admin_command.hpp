#pragma once
// `gatehouse admin ...` as data: the command line parsed into where the admin socket is and the
// one HTTP request the command makes. No I/O here, so the grammar is unit-tested alone.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::admin {

enum class Command { principals, sessions, revoke_session, revoke_principal, set_plan, backup, migrate_to_postgres };

// The request a command sends over the admin socket.
struct AdminRequest {
  std::string method;  // "GET", "DELETE", "PUT", "POST"
  std::string target;  // path and query, percent-encoded
  std::string body;    // JSON, or empty
};

struct AdminInvocation {
  Command command = Command::principals;
  AdminRequest request;
  bool json = false;  // print the server's JSON instead of a table
  // Where the socket is, strongest first: --socket, --database (+ .admin.sock), the server's own
  // configuration (--config, GATEHOUSE_* variables).
  std::optional<std::filesystem::path> socket;
  std::optional<std::filesystem::path> database;
  std::optional<std::string> config_file;
  // migrate-to-postgres runs here, with no server: from the SQLite file to the PostgreSQL URI.
  std::optional<std::filesystem::path> copy_from;
  std::optional<std::string> copy_to;
};

struct AdminParse {
  AdminInvocation invocation;
  bool help = false;
  std::string error;  // one line; non-empty means a usage error (exit 2)
};

// args: what follows "gatehouse admin". cwd: makes a relative backup destination absolute (the
// server resolves paths from its own working directory).
AdminParse parse_admin_command(std::vector<std::string> const& args, std::filesystem::path const& cwd);

std::string admin_usage();

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view text);

}  // namespace gatehouse::admin
