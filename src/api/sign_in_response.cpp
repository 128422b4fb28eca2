#include "gatehouse/api/sign_in_response.hpp"

#include <boost/json/object.hpp>

namespace gatehouse::api {

Response sign_in_response(domain::SignedIn const& signed_in, UnixSeconds session_ttl) {
  Response r = json_response(200, boost::json::object{{"access_token", signed_in.session.token},
                                                      {"refresh_token", signed_in.refresh_token},
                                                      {"token_type", "Bearer"},
                                                      {"expires_in", session_ttl},
                                                      {"principal_id", signed_in.session.record.principal_id}});
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace gatehouse::api
