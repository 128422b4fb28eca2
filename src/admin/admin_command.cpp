#include "gatehouse/admin/admin_command.hpp"

#include "gatehouse/util/clock.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <map>
#include <set>

namespace gatehouse::admin {

namespace {

struct CommandSpec {
  Command command;
  std::size_t positionals;       // exactly this many
  char const* positional_names;  // for the error message
  std::set<std::string> options;  // accepted command options (taking a value, except --force)
};

std::map<std::string, CommandSpec> const& commands() {
  static std::map<std::string, CommandSpec> const all = {
      {"principals", {Command::principals, 0, "", {"kind", "limit"}}},
      {"sessions", {Command::sessions, 0, "", {"principal", "limit"}}},
      {"revoke-session", {Command::revoke_session, 1, "SESSION_ID", {}}},
      {"revoke-principal", {Command::revoke_principal, 1, "PRINCIPAL_ID", {}}},
      {"set-plan", {Command::set_plan, 2, "PRINCIPAL_ID PLAN", {"status", "period-end"}}},
      {"backup", {Command::backup, 1, "DEST_PATH", {"force"}}},
      {"migrate-to-postgres", {Command::migrate_to_postgres, 0, "", {"from", "to"}}},
  };
  return all;
}

bool is_switch(std::string const& name) { return name == "json" || name == "force" || name == "help"; }

bool global_option(std::string const& name) {
  return name == "socket" || name == "database" || name == "db" || name == "config" || name == "json" || name == "help";
}

std::string limit_error(std::string const& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 10'000) {
    return "--limit expects an integer from 1 to 10000, got \"" + text + "\"";
  }
  return {};
}

std::string query(std::vector<std::pair<std::string, std::string>> const& params) {
  std::string out;
  for (auto const& [name, value] : params) {
    out += out.empty() ? "?" : "&";
    out += name + "=" + percent_encode(value);
  }
  return out;
}

}  // namespace

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool const unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

AdminParse parse_admin_command(std::vector<std::string> const& args, std::filesystem::path const& cwd) {
  AdminParse result;
  AdminInvocation& inv = result.invocation;
  std::vector<std::string> positionals;
  std::map<std::string, std::string> options;  // command options, by name without dashes
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string const& arg = args[i];
    if (arg == "-h") {
      result.help = true;
      return result;
    }
    if (!arg.starts_with("--") || arg == "--") {
      positionals.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (is_switch(name)) {
      if (value) {
        result.error = "--" + name + " takes no value";
        return result;
      }
      value = "true";
    } else if (!value) {
      if (i + 1 == args.size()) {
        result.error = "--" + name + " needs a value";
        return result;
      }
      value = args[++i];
    }
    if (name == "help") {
      result.help = true;
      return result;
    }
    if (global_option(name)) {
      if (value->empty() && name != "json") {
        result.error = "--" + name + " expects a path";
        return result;
      }
      if (name == "socket") inv.socket = *value;
      if (name == "database" || name == "db") inv.database = *value;
      if (name == "config") inv.config_file = *value;
      if (name == "json") inv.json = true;
      continue;
    }
    options[name] = *value;
  }
  if (inv.socket && inv.database) {
    result.error = "give --socket or --database, not both";
    return result;
  }
  if (positionals.empty()) {
    result.error = "a command is required (see gatehouse admin --help)";
    return result;
  }
  std::string const command_name = positionals.front();
  positionals.erase(positionals.begin());
  auto const spec_it = commands().find(command_name);
  if (spec_it == commands().end()) {
    result.error = "unknown command \"" + command_name + "\" (see gatehouse admin --help)";
    return result;
  }
  CommandSpec const& spec = spec_it->second;
  inv.command = spec.command;
  for (auto const& [name, value] : options) {
    if (!spec.options.contains(name)) {
      result.error = "unknown option --" + name + " for " + command_name + " (see gatehouse admin --help)";
      return result;
    }
  }
  if (positionals.size() != spec.positionals) {
    result.error = command_name + " expects " +
                   (spec.positionals == 0 ? std::string("no arguments") : std::string(spec.positional_names)) +
                   ", got " + std::to_string(positionals.size()) + " argument(s)";
    return result;
  }
  for (auto const& p : positionals) {
    if (p.empty()) {
      result.error = command_name + ": arguments must not be empty";
      return result;
    }
  }
  auto option = [&](std::string const& name) -> std::optional<std::string> {
    auto it = options.find(name);
    return it == options.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  if (auto limit = option("limit")) {
    if (auto e = limit_error(*limit); !e.empty()) {
      result.error = e;
      return result;
    }
  }

  AdminRequest& req = inv.request;
  switch (spec.command) {
    case Command::principals: {
      std::vector<std::pair<std::string, std::string>> params;
      if (auto kind = option("kind")) {
        if (*kind != "user" && *kind != "anonymous") {
          result.error = "--kind expects user or anonymous, got \"" + *kind + "\"";
          return result;
        }
        params.emplace_back("kind", *kind);
      }
      if (auto limit = option("limit")) params.emplace_back("limit", *limit);
      req = {"GET", "/admin/principals" + query(params), ""};
      break;
    }
    case Command::sessions: {
      std::vector<std::pair<std::string, std::string>> params;
      if (auto principal = option("principal")) params.emplace_back("principal", *principal);
      if (auto limit = option("limit")) params.emplace_back("limit", *limit);
      req = {"GET", "/admin/sessions" + query(params), ""};
      break;
    }
    case Command::revoke_session:
      req = {"DELETE", "/admin/sessions/" + percent_encode(positionals[0]), ""};
      break;
    case Command::revoke_principal:
      req = {"DELETE", "/admin/principals/" + percent_encode(positionals[0]) + "/sessions", ""};
      break;
    case Command::set_plan: {
      boost::json::object body{{"plan", positionals[1]}};
      if (auto status = option("status")) body["status"] = *status;
      if (auto end = option("period-end")) {
        if (!parse_rfc3339(*end)) {
          result.error = "--period-end expects an RFC 3339 time like 2026-12-31T00:00:00Z, got \"" + *end + "\"";
          return result;
        }
        body["current_period_end"] = *end;
      }
      req = {"PUT", "/admin/principals/" + percent_encode(positionals[0]) + "/plan", boost::json::serialize(body)};
      break;
    }
    case Command::backup: {
      // The server opens the path: make it mean what it means to the person typing it.
      std::filesystem::path destination(positionals[0]);
      if (destination.is_relative()) destination = cwd / destination;
      boost::json::object body{{"path", destination.lexically_normal().string()}, {"overwrite", option("force").has_value()}};
      req = {"POST", "/admin/backup", boost::json::serialize(body)};
      break;
    }
    case Command::migrate_to_postgres: {
      auto from = option("from");
      auto to = option("to");
      if (!from || from->empty() || !to || to->empty()) {
        result.error = "migrate-to-postgres needs --from SQLITE_FILE and --to postgresql://...";
        return result;
      }
      if (!to->starts_with("postgresql://") && !to->starts_with("postgres://")) {
        result.error = "--to expects a postgresql:// URI";
        return result;
      }
      std::filesystem::path source(*from);
      if (source.is_relative()) source = cwd / source;
      inv.copy_from = source.lexically_normal();
      inv.copy_to = *to;
      break;
    }
  }
  return result;
}

std::string admin_usage() {
  return "usage: gatehouse admin [--socket PATH | --database PATH] [--config PATH] [--json] COMMAND\n"
         "\n"
         "Talks to the running server over its admin socket (by default the database path + .admin.sock,\n"
         "found from --database, or from --config and the GATEHOUSE_* variables as the server finds it).\n"
         "\n"
         "commands:\n"
         "  principals [--kind user|anonymous] [--limit N]       principals, newest first (default 100)\n"
         "  sessions [--principal ID] [--limit N]                sessions, newest first (never tokens)\n"
         "  revoke-session SESSION_ID                            revoke it and close its streams\n"
         "  revoke-principal PRINCIPAL_ID                        revoke all its live sessions\n"
         "  set-plan PRINCIPAL_ID PLAN [--status S] [--period-end RFC3339]\n"
         "                                                       set the subscription GET /auth/bootstrap shows\n"
         "  backup DEST_PATH [--force]                           online backup of the database to DEST_PATH\n"
         "  migrate-to-postgres --from FILE --to URI             copy a stopped SQLite deployment into an empty\n"
         "                                                       PostgreSQL database (no server involved)\n"
         "\n"
         "--json prints the server's JSON instead of a table.\n"
         "exit codes: 0 ok, 1 refused by the server, 2 usage error, 3 server not reachable\n";
}

}  // namespace gatehouse::admin
