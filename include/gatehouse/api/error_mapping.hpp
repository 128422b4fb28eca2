#pragma once
// The one place where a refusal becomes an HTTP status and the contract's exact `detail`.
#include "gatehouse/api/response.hpp"
#include "gatehouse/errors.hpp"

#include <boost/json/object.hpp>

namespace gatehouse::api {

struct ErrorDescription {
  int status;
  std::string_view code;  // machine-readable, stable
  std::string detail;     // the contract's text
};

ErrorDescription describe(Failure const& failure);

// {"detail": ..., "code": ...} with WWW-Authenticate on 401 and Retry-After on 429/503 when known.
Response error_response(Failure const& failure);
// The same, with route-specific fields beside detail and code (GET /ready's per-part status).
Response error_response(Failure const& failure, boost::json::object fields);

}  // namespace gatehouse::api
