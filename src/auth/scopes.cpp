#include "gatehouse/auth/scopes.hpp"

namespace gatehouse::auth {

std::string_view to_string(Scope scope) {
  switch (scope) {  // -Wswitch names a scope added without a name
    case Scope::research_read: return "research.read";
    case Scope::research_write: return "research.write";
    case Scope::secrets_write: return "secrets.write";
    case Scope::sessions_read: return "sessions.read";
  }
  return "unknown";
}

std::optional<Scope> parse_scope(std::string_view name) {
  for (Scope s : every_scope) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

std::vector<std::string_view> Scopes::names() const {
  std::vector<std::string_view> out;
  for_each_name([&out](std::string_view name) { out.push_back(name); });
  return out;
}

}  // namespace gatehouse::auth
