#pragma once
// What `gatehouse admin` prints for people: aligned tables and one-line summaries of the
// server's JSON answers (--json prints the JSON itself).
#include "gatehouse/admin/admin_command.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace gatehouse::admin {

// Columns padded to their widest cell, two spaces apart.
std::string format_table(std::vector<std::string> const& header, std::vector<std::vector<std::string>> const& rows);

std::string format_reply(Command command, boost::json::object const& reply);

}  // namespace gatehouse::admin
