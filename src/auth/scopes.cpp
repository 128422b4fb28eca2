#include "gatehouse/auth/scopes.hpp"

namespace gatehouse::auth {

namespace {
constexpr std::pair<Scope, std::string_view> table[] = {
    {Scope::research_read, "research.read"},
    {Scope::research_write, "research.write"},
    {Scope::secrets_write, "secrets.write"},
    {Scope::sessions_read, "sessions.read"},
};
}  // namespace

std::string_view to_string(Scope scope) {
  for (auto const& [s, name] : table) {
    if (s == scope) return name;
  }
  return "unknown";
}

std::optional<Scope> parse_scope(std::string_view name) {
  for (auto const& [s, n] : table) {
    if (n == name) return s;
  }
  return std::nullopt;
}

std::vector<std::string_view> Scopes::names() const {
  std::vector<std::string_view> out;
  for (Scope s : every_scope) {
    if (has(s)) out.push_back(to_string(s));
  }
  return out;
}

}  // namespace gatehouse::auth
