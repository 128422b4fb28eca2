#pragma once
// Structured logs: one JSON object per line on stdout ({"time","level","msg",...fields}).
// Never pass a token, key, ticket or secret value as a field: callers log ids and hashes only.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace gatehouse::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

struct Field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;

  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, std::string const& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, char const* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, std::size_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
};

void set_level(Level level);
Level level();
bool enabled(Level level);
// "debug" | "info" | "warn" | "error" | "off"
bool parse_level(std::string_view text, Level& out);

void write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

// The per-request access line (level info, msg "request"): buffered, written within 100 ms.
void access(std::initializer_list<Field> fields);

// Writes buffered lines now.
void flush();

inline void debug(std::string_view msg, std::initializer_list<Field> fields = {}) { write(Level::debug, msg, fields); }
inline void info(std::string_view msg, std::initializer_list<Field> fields = {}) { write(Level::info, msg, fields); }
inline void warn(std::string_view msg, std::initializer_list<Field> fields = {}) { write(Level::warn, msg, fields); }
inline void error(std::string_view msg, std::initializer_list<Field> fields = {}) { write(Level::error, msg, fields); }

}  // namespace gatehouse::log
