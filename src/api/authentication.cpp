#include "gatehouse/api/authentication.hpp"

#include "gatehouse/errors.hpp"

namespace gatehouse::api {

auth::PresentedCredentials presented_credentials(Request const& req, bool stream_query) {
  auth::PresentedCredentials presented{req.header("Authorization"), req.header("X-API-Key"), req.header("X-Use-Api-Key"),
                                       std::nullopt, std::nullopt};
  if (stream_query && !req.query.empty()) {
    presented.ticket = req.query_param("ticket");
    presented.access_token = req.query_param("access_token");
  }
  return presented;
}

boost::asio::awaitable<auth::Caller> authenticate(Services const& s, Request const& req,
                                                  auth::Credential const& credential) {
  auth::Caller caller = co_await within_failure_budget(s.limits, s.limits.client(req),
                                                      s.authenticator.authenticate(credential, now_unix()));
  req.note_principal(caller.principal_id());
  co_return caller;
}

boost::asio::awaitable<auth::Caller> require_any_caller(Services const& s, Request const& req) {
  auto const presented = presented_credentials(req);
  co_return co_await authenticate(s, req, s.authenticator.extract(presented));
}

boost::asio::awaitable<auth::Caller> require_caller(Services const& s, Request const& req, auth::Scope scope) {
  auth::Caller caller = co_await require_any_caller(s, req);
  caller.require(scope);
  co_return caller;
}

boost::asio::awaitable<auth::SessionPtr> require_session(Services const& s, Request const& req) {
  auto const presented = presented_credentials(req);
  auth::Credential credential = s.authenticator.extract(presented);
  if (credential.kind == auth::CredentialKind::api_key) throw Failure(ErrorCode::requires_session);
  credential.use_api_key = {};  // the session itself is acted on, never a key it might act under
  co_return (co_await authenticate(s, req, credential)).session;
}

boost::asio::awaitable<auth::SessionPtr> require_signed_in_user(Services const& s, Request const& req) {
  auto const caller = co_await require_any_caller(s, req);
  if (!caller.session || caller.api_key || caller.kind != store::PrincipalKind::user) {
    throw Failure(ErrorCode::requires_signed_in_user);
  }
  co_return caller.session;
}

}  // namespace gatehouse::api
