#include "gatehouse/json/strict_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include <set>
#include <vector>

namespace gatehouse::json {

namespace {

using boost::json::error_code;
using boost::json::string_view;

// A first pass that builds nothing: it only rejects what Boost.JSON would silently accept
// but another parser could read differently (duplicate keys).
struct DuplicateKeyDetector {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  std::vector<std::set<std::string>> objects;
  std::string key;
  bool duplicate = false;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t, error_code&) { return true; }
  bool on_object_begin(error_code&) {
    objects.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    objects.pop_back();
    return true;
  }
  bool on_string_part(string_view, std::size_t, error_code&) { return true; }
  bool on_string(string_view, std::size_t, error_code&) { return true; }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code& ec) {
    key.append(s.data(), s.size());
    bool const inserted = objects.back().insert(std::move(key)).second;
    key.clear();
    if (!inserted) {
      duplicate = true;
      ec = boost::json::error::syntax;
      return false;
    }
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, string_view, error_code&) { return true; }
  bool on_uint64(std::uint64_t, string_view, error_code&) { return true; }
  bool on_double(double, string_view, error_code&) { return true; }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

void set_failure(ParseFailure* failure, std::string reason) {
  if (failure) failure->reason = std::move(reason);
}

}  // namespace

std::optional<boost::json::value> parse_strict(std::string_view text, ParseFailure* failure,
                                               std::size_t max_depth) {
  boost::json::parse_options options;  // standard JSON: no comments, no trailing commas
  options.max_depth = max_depth;

  boost::json::basic_parser<DuplicateKeyDetector> detector(options);
  error_code ec;
  std::size_t const consumed = detector.write_some(false, text.data(), text.size(), ec);
  if (detector.handler().duplicate) {
    set_failure(failure, "duplicate key");
    return std::nullopt;
  }
  if (ec || consumed != text.size() || !detector.done()) {
    set_failure(failure, ec == boost::json::error::too_deep ? "nested too deeply" : "not valid JSON");
    return std::nullopt;
  }

  boost::json::value value = boost::json::parse(string_view(text.data(), text.size()), ec, {}, options);
  if (ec) {
    set_failure(failure, "not valid JSON");
    return std::nullopt;
  }
  return value;
}

}  // namespace gatehouse::json
