#pragma once
// Every refusal the service can give, as a typed value. The layers below HTTP throw Failure;
// api/error_mapping.cpp is the one place that turns a code into a status and the contract's
// exact `detail` string.
#include <exception>
#include <string>

namespace gatehouse {

enum class ErrorCode {
  // 400
  bad_request,               // not parseable as HTTP
  // 401
  missing_bearer_token,
  token_expired,
  invalid_token,             // arg: the reason after "Invalid token: "
  invalid_authorized_party,
  rebind_requires_user,
  invalid_api_key,
  api_key_expired,
  // 403
  forbidden,                 // arg: detail
  missing_scope,             // arg: the scope
  requires_signed_in_user,
  requires_session,
  // 404
  route_not_found,
  research_not_found,
  session_not_found,
  secret_not_found,
  api_key_not_found,
  principal_not_found,
  // 405
  method_not_allowed,
  // 426
  upgrade_required,
  // 409
  device_rebound_elsewhere,  // arg: the device id
  research_finished,
  backup_destination_exists,  // arg: the path
  // 413 / 431 / 414
  payload_too_large,
  headers_too_large,
  uri_too_long,
  // 422
  device_id_required,
  invalid_body,              // arg: what is wrong
  backup_failed,             // arg: why (an unusable destination, mostly)
  // 429
  too_many_requests,
  // 503
  jwks_not_loaded,
  database_unavailable,
  shutting_down,
  too_many_connections,
  not_ready,                 // arg: the parts that are not ready ("JWKS not loaded")
};

class Failure : public std::exception {
 public:
  explicit Failure(ErrorCode code, std::string arg = {}) : code_(code), arg_(std::move(arg)) {}
  ErrorCode code() const { return code_; }
  std::string const& arg() const { return arg_; }
  char const* what() const noexcept override { return arg_.empty() ? "gatehouse failure" : arg_.c_str(); }

 private:
  ErrorCode code_;
  std::string arg_;
};

}  // namespace gatehouse
