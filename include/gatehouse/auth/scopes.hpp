#pragma once
// What a credential may do. Session tokens carry every scope of their principal; an API key
// carries the scopes it was created with.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::auth {

enum class Scope : std::uint32_t {
  research_read = 1u << 0,
  research_write = 1u << 1,
  secrets_write = 1u << 2,
  sessions_read = 1u << 3,
};

// Every scope, in the order they are listed everywhere (whoami, key listings).
inline constexpr Scope every_scope[] = {Scope::research_read, Scope::research_write, Scope::secrets_write,
                                        Scope::sessions_read};

std::string_view to_string(Scope scope);                   // "research.read", ...
std::optional<Scope> parse_scope(std::string_view name);  // its inverse

class Scopes {
 public:
  constexpr Scopes() = default;
  static constexpr Scopes all() { return Scopes(0xfu); }
  static constexpr Scopes none() { return Scopes(0u); }

  constexpr bool has(Scope s) const { return (bits_ & static_cast<std::uint32_t>(s)) != 0; }
  constexpr void add(Scope s) { bits_ |= static_cast<std::uint32_t>(s); }
  constexpr std::uint32_t bits() const { return bits_; }
  static constexpr Scopes from_bits(std::uint32_t bits) { return Scopes(bits & 0xfu); }

  // Calls f with the name of each scope held, in every_scope's order, allocating nothing (whoami).
  template <typename F>
  void for_each_name(F&& f) const {
    for (Scope s : every_scope) {
      if (has(s)) f(to_string(s));
    }
  }
  std::vector<std::string_view> names() const;  // the same names, collected

 private:
  constexpr explicit Scopes(std::uint32_t bits) : bits_(bits) {}
  std::uint32_t bits_ = 0;
};

}  // namespace gatehouse::auth
