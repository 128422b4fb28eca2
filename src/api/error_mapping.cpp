#include "gatehouse/api/error_mapping.hpp"

#include <boost/json/object.hpp>

namespace gatehouse::api {

ErrorDescription describe(Failure const& f) {
  switch (f.code()) {
    case ErrorCode::bad_request: return {400, "bad_request", "Malformed HTTP request"};
    case ErrorCode::missing_bearer_token: return {401, "missing_bearer_token", "Missing Bearer token"};
    case ErrorCode::token_expired: return {401, "token_expired", "Token expired"};
    case ErrorCode::invalid_token: return {401, "invalid_token", "Invalid token: " + f.arg()};
    case ErrorCode::invalid_authorized_party: return {401, "invalid_authorized_party", "Invalid authorized party"};
    case ErrorCode::rebind_requires_user:
      return {401, "rebind_requires_user", "Rebind requires an authenticated user token; got anonymous session"};
    case ErrorCode::invalid_api_key: return {401, "invalid_api_key", "invalid api key"};
    case ErrorCode::api_key_expired: return {401, "api_key_expired", "api key expired"};
    case ErrorCode::forbidden: return {403, "forbidden", f.arg()};
    case ErrorCode::missing_scope: return {403, "missing_scope", "missing scope: " + f.arg()};
    case ErrorCode::requires_signed_in_user:
      return {403, "requires_signed_in_user", "this endpoint requires a signed-in user"};
    case ErrorCode::requires_session: return {403, "requires_session", "this endpoint requires a session token"};
    case ErrorCode::route_not_found: return {404, "not_found", "Not found"};
    case ErrorCode::research_not_found: return {404, "research_not_found", "Research not found"};
    case ErrorCode::session_not_found: return {404, "session_not_found", "Session not found"};
    case ErrorCode::secret_not_found: return {404, "secret_not_found", "Secret not found"};
    case ErrorCode::api_key_not_found: return {404, "api_key_not_found", "API key not found"};
    case ErrorCode::principal_not_found: return {404, "principal_not_found", "Principal not found"};
    case ErrorCode::method_not_allowed: return {405, "method_not_allowed", "Method not allowed"};
    case ErrorCode::device_rebound_elsewhere:
      return {409, "device_rebound_elsewhere", "device " + f.arg() + " already rebound to a different user"};
    case ErrorCode::upgrade_required: return {426, "upgrade_required", "WebSocket upgrade required"};
    case ErrorCode::research_finished: return {409, "research_finished", "Research already finished"};
    case ErrorCode::backup_destination_exists:
      return {409, "backup_destination_exists", f.arg() + " already exists (pass --force to overwrite it)"};
    case ErrorCode::backup_failed: return {422, "backup_failed", "Backup failed: " + f.arg()};
    case ErrorCode::payload_too_large: return {413, "payload_too_large", "Request body too large"};
    case ErrorCode::uri_too_long: return {414, "uri_too_long", "Request URI too long"};
    case ErrorCode::headers_too_large: return {431, "headers_too_large", "Request headers too large"};
    case ErrorCode::device_id_required: return {422, "device_id_required", "device_id required"};
    case ErrorCode::invalid_body: return {422, "invalid_body", f.arg()};
    case ErrorCode::too_many_requests: return {429, "too_many_requests", "Too many requests"};
    case ErrorCode::jwks_not_loaded: return {503, "jwks_not_loaded", "JWKS not loaded"};
    case ErrorCode::database_unavailable: return {503, "database_unavailable", "Database unavailable; retry later"};
    case ErrorCode::shutting_down: return {503, "shutting_down", "Server shutting down"};
    case ErrorCode::too_many_connections:
      return {503, "too_many_connections", "Too many connections; retry later"};
    case ErrorCode::not_ready: return {503, "not_ready", "Not ready: " + f.arg()};
  }
  return {500, "internal_error", "Internal server error"};
}

Response error_response(Failure const& failure) { return error_response(failure, {}); }

Response error_response(Failure const& failure, boost::json::object fields) {
  ErrorDescription const d = describe(failure);
  fields["detail"] = d.detail;
  fields["code"] = d.code;
  Response r = json_response(d.status, fields);
  if (d.status == 401) {
    // RFC 6750 §3: a missing credential gets the bare challenge, a bad one says invalid_token.
    r.headers.emplace_back("WWW-Authenticate", failure.code() == ErrorCode::missing_bearer_token
                                                   ? "Bearer realm=\"gatehouse\""
                                                   : "Bearer realm=\"gatehouse\", error=\"invalid_token\"");
  }
  if (d.status == 503) r.headers.emplace_back("Retry-After", "1");
  // The limiter says how long until the client's bucket holds a token again.
  if (d.status == 429) r.headers.emplace_back("Retry-After", failure.arg().empty() ? std::string("1") : failure.arg());
  if (d.status == 426) r.headers.emplace_back("Upgrade", "websocket");
  return r;
}

}  // namespace gatehouse::api
