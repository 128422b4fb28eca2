#include "gatehouse/api/authentication.hpp"

#include "gatehouse/errors.hpp"

#include <stdexcept>

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

auth::Caller authenticate(Services const& s, Request const& req, auth::Credential const& credential) {
  auth::Caller caller = within_failure_budget(s.limits, s.limits.client(req),
                                             [&] { return s.authenticator.authenticate(credential, now_unix()); });
  req.note_principal(caller.principal_id());
  return caller;
}

auth::Caller admit(Services const& s, Request const& req, RouteAccess access) {
  auto const presented = presented_credentials(req, access.access == Access::stream);
  auth::Credential credential = s.authenticator.extract(presented);
  switch (access.access) {
    case Access::open: break;
    case Access::any_caller: return authenticate(s, req, credential);
    case Access::scoped:
    case Access::stream: {
      auth::Caller caller = authenticate(s, req, credential);
      caller.require(access.scope);
      return caller;
    }
    case Access::session:
      if (credential.kind == auth::CredentialKind::api_key) throw Failure(ErrorCode::requires_session);
      credential.use_api_key = {};  // the session itself is acted on, never a key it might act under
      return authenticate(s, req, credential);
    case Access::signed_in_user: {
      auth::Caller caller = authenticate(s, req, credential);
      if (!caller.session || caller.api_key || caller.kind != store::PrincipalKind::user) {
        throw Failure(ErrorCode::requires_signed_in_user);
      }
      return caller;
    }
  }
  throw std::logic_error("admit() called for an open route");
}

boost::asio::awaitable<void> look_up(Services const& s, auth::NotInMemory const& missing) {
  bool const found = co_await s.domain.load_credential(missing);
  if (!found) s.authenticator.note_not_found(missing.hash, now_unix());
}

boost::asio::awaitable<auth::Caller> authenticate_anywhere(Services const& s, Request const& req,
                                                           auth::Credential const& credential) {
  std::optional<auth::NotInMemory> missing;
  try {
    co_return authenticate(s, req, credential);
  } catch (auth::NotInMemory const& m) {
    missing = m;
  }
  co_await look_up(s, *missing);
  co_return authenticate(s, req, credential);
}

}  // namespace gatehouse::api
