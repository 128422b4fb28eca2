#include "gatehouse/admin/admin_table.hpp"

#include <algorithm>
#include <cstdio>

namespace gatehouse::admin {

namespace {

// A cell: strings as they are, null as "-", anything else as JSON would spell it.
std::string cell(boost::json::object const& o, std::string_view key) {
  auto const* v = o.if_contains(key);
  if (!v || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_bool()) return v->get_bool() ? "true" : "false";
  return "?";
}

boost::json::object member_object(boost::json::object const& o, std::string_view key) {
  auto const* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : boost::json::object();
}

std::vector<boost::json::object> objects(boost::json::object const& reply, std::string_view key) {
  std::vector<boost::json::object> out;
  auto const* v = reply.if_contains(key);
  if (!v || !v->is_array()) return out;
  for (auto const& item : v->get_array()) {
    if (item.is_object()) out.push_back(item.get_object());
  }
  return out;
}

std::string principals_table(boost::json::object const& reply) {
  std::vector<std::vector<std::string>> rows;
  for (auto const& p : objects(reply, "principals")) {
    auto const sub = member_object(p, "subscription");
    rows.push_back({cell(p, "id"), cell(p, "kind"), cell(p, "clerk_user_id"), cell(p, "device_id"), cell(sub, "plan"),
                    cell(sub, "status"), cell(p, "created_at")});
  }
  return format_table({"ID", "KIND", "CLERK_USER_ID", "DEVICE_ID", "PLAN", "STATUS", "CREATED_AT"}, rows);
}

std::string sessions_table(boost::json::object const& reply) {
  std::vector<std::vector<std::string>> rows;
  for (auto const& s : objects(reply, "sessions")) {
    rows.push_back({cell(s, "id"), cell(s, "principal_id"), cell(s, "kind"), cell(s, "state"), cell(s, "created_at"),
                    cell(s, "expires_at"), cell(s, "last_seen")});
  }
  return format_table({"ID", "PRINCIPAL", "KIND", "STATE", "CREATED_AT", "EXPIRES_AT", "LAST_SEEN"}, rows);
}

std::string human_bytes(std::uint64_t bytes) {
  char buf[32];
  if (bytes >= 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  }
  return buf;
}

}  // namespace

std::string format_table(std::vector<std::string> const& header, std::vector<std::vector<std::string>> const& rows) {
  std::vector<std::size_t> widths(header.size(), 0);
  auto measure = [&](std::vector<std::string> const& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  };
  measure(header);
  for (auto const& row : rows) measure(row);
  std::string out;
  auto write = [&](std::vector<std::string> const& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  };
  write(header);
  for (auto const& row : rows) write(row);
  return out;
}

std::string format_reply(Command command, boost::json::object const& reply) {
  switch (command) {
    case Command::principals: return principals_table(reply);
    case Command::sessions: return sessions_table(reply);
    case Command::revoke_session:
    case Command::revoke_principal: {
      std::string const n = cell(reply, "revoked");
      return "revoked " + n + (n == "1" ? " session" : " sessions") + "\n";
    }
    case Command::set_plan: {
      auto const sub = member_object(reply, "subscription");
      return "principal " + cell(reply, "principal_id") + ": plan " + cell(sub, "plan") + ", status " +
             cell(sub, "status") + ", current period end " + cell(sub, "current_period_end") + "\n";
    }
    case Command::backup: {
      auto const* bytes = reply.if_contains("bytes");
      std::uint64_t const size = bytes && bytes->is_number() ? bytes->to_number<std::uint64_t>() : 0;
      return "backup written to " + cell(reply, "path") + ": " + std::to_string(size) + " bytes (" + human_bytes(size) +
             ") in " + cell(reply, "duration_ms") + " ms\n";
    }
    case Command::migrate_to_postgres: break;  // runs without the server: nothing to format
  }
  return {};
}

}  // namespace gatehouse::admin
