#pragma once
// Appends a string as a quoted JSON string literal. Shared by the two writers that build JSON
// without a document: the log lines and the hot authenticated route (GET /auth/whoami).
#include <string>
#include <string_view>

namespace gatehouse::json {

// Escapes '"', '\\', the C0 controls and DEL; other bytes, UTF-8 included, are copied as they
// are. Runs of plain characters are copied at once: log fields and ids rarely need escaping.
void append_json_string(std::string& out, std::string_view s);

}  // namespace gatehouse::json
