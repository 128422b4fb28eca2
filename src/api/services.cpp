#include "gatehouse/api/services.hpp"

#include "gatehouse/errors.hpp"
#include "gatehouse/json/strict_json.hpp"

namespace gatehouse::api {

auth::PresentedCredentials presented_credentials(Request const& req) {
  return {req.header("Authorization"), req.header("X-API-Key"), req.header("X-Use-Api-Key")};
}

auth::Caller require_any_caller(Services const& s, Request const& req) {
  auth::Caller caller = within_failure_budget(
      s.limits, req, [&] { return s.authenticator.caller(presented_credentials(req), now_unix()); });
  req.note_principal(caller.principal_id());
  return caller;
}

auth::Caller require_caller(Services const& s, Request const& req, auth::Scope scope) {
  auth::Caller caller = require_any_caller(s, req);
  caller.require(scope);
  return caller;
}

auth::SessionPtr require_session(Services const& s, Request const& req) {
  auto const presented = presented_credentials(req);
  if (auth::presented_api_key(presented, s.authenticator.api_key_prefix())) throw Failure(ErrorCode::requires_session);
  auto session = within_failure_budget(s.limits, req, [&] {
    return s.authenticator.session(auth::bearer_token(presented.authorization), now_unix());
  });
  req.note_principal(session->principal_id);
  return session;
}

auth::SessionPtr require_signed_in_user(Services const& s, Request const& req) {
  auto const caller = require_any_caller(s, req);
  if (!caller.session || caller.api_key || caller.kind != store::PrincipalKind::user) {
    throw Failure(ErrorCode::requires_signed_in_user);
  }
  return caller.session;
}

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
