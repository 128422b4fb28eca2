#pragma once
// One JSON reader for everything that crosses a trust boundary (JWT parts, JWKS, request
// bodies): standard JSON only, valid UTF-8, bounded depth, and duplicate object keys rejected
// (Boost.JSON alone keeps the last duplicate, which another parser might not).
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::json {

struct ParseFailure {
  std::string reason;  // "duplicate key", "syntax error", ...
};

// Returns the value, or nullopt and fills *failure (when given).
std::optional<boost::json::value> parse_strict(std::string_view text, ParseFailure* failure = nullptr,
                                               std::size_t max_depth = 32);

}  // namespace gatehouse::json
