#pragma once
// Reading request bodies: strict JSON (duplicate keys, trailing bytes and bad UTF-8 refused),
// with a 422 that says what is wrong.
#include "gatehouse/api/request.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace gatehouse::api {

// The body as a JSON object, or Failure(invalid_body) saying what is wrong.
boost::json::object json_object_body(Request const& req);

// A required non-empty string member; Failure(invalid_body, "<name> required") otherwise.
std::string required_string(boost::json::object const& body, std::string_view name, std::size_t max_size);

}  // namespace gatehouse::api
