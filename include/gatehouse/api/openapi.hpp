#pragma once
// docs/openapi.json, embedded at build time (cmake/embed_openapi.cmake).
#include <string_view>

namespace gatehouse::api {

std::string_view openapi_document();

}  // namespace gatehouse::api
