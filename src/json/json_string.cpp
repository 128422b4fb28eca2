#include "gatehouse/json/json_string.hpp"

#include <cstdint>
#include <cstring>

namespace gatehouse::json {

namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\' || c == 0x7f; }

// Whether any of 8 bytes needs escaping, without looking at them one by one (every request's
// access line goes through here). The classic bit tricks: (v - 0x01..) & ~v & 0x80.. is
// non-zero exactly when some byte of v is zero, and (v - n*0x01..) & ~v & 0x80.. exactly
// when some byte is below n (n <= 0x80); bytes >= 0x80 (UTF-8) never match.
bool word_needs_escape(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101u;
  constexpr std::uint64_t highs = 0x8080808080808080u;
  auto const has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  std::uint64_t const below_space = (w - ones * 0x20) & ~w & highs;
  return (below_space | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\')) | has_zero(w ^ (ones * 0x7f))) != 0;
}

void append_escape(std::string& out, unsigned char c) {
  static constexpr char hex[] = "0123456789abcdef";
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default:
      out += "\\u00";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  char const* const data = s.data();
  std::size_t const n = s.size();
  std::size_t run = 0;  // start of the plain characters not yet copied
  std::size_t i = 0;
  auto const escape_from = [&](std::size_t from, std::size_t to) {
    for (std::size_t j = from; j < to; ++j) {
      auto const c = static_cast<unsigned char>(data[j]);
      if (!needs_escape(c)) continue;
      out.append(data + run, j - run);
      append_escape(out, c);
      run = j + 1;
    }
  };
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, data + i, 8);
    if (word_needs_escape(w)) escape_from(i, i + 8);
  }
  escape_from(i, n);
  out.append(data + run, n - run);
  out.push_back('"');
}

}  // namespace gatehouse::json
