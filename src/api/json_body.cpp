#include "gatehouse/api/json_body.hpp"

#include "gatehouse/errors.hpp"
#include "gatehouse/json/strict_json.hpp"

namespace gatehouse::api {

boost::json::object json_object_body(Request const& req) {
  json::ParseFailure failure;
  auto value = json::parse_strict(req.body, &failure);
  if (!value) throw Failure(ErrorCode::invalid_body, "Invalid JSON body: " + failure.reason);
  if (!value->is_object()) throw Failure(ErrorCode::invalid_body, "Request body must be a JSON object");
  return std::move(value->get_object());
}

std::string required_string(boost::json::object const& body, std::string_view name, std::size_t max_size) {
  auto const* v = body.if_contains(name);
  if (!v || !v->is_string() || v->get_string().empty()) {
    throw Failure(ErrorCode::invalid_body, std::string(name) + " required");
  }
  if (v->get_string().size() > max_size) {
    throw Failure(ErrorCode::invalid_body,
                  std::string(name) + " must be at most " + std::to_string(max_size) + " bytes");
  }
  return std::string(v->get_string());
}

}  // namespace gatehouse::api
