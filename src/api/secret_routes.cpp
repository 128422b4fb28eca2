// PUT /secrets/{name}, DELETE /secrets/{name}. Values are sealed with AES-256-GCM before they
// reach the store and are never returned.
#include "gatehouse/api/json_body.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/auth/caller.hpp"
#include "gatehouse/domain/secrets.hpp"
#include "gatehouse/errors.hpp"

namespace gatehouse::api {

namespace {

constexpr std::size_t max_name_size = 128;
constexpr std::size_t max_value_size = 32 * 1024;

std::string secret_name(PathParams const& params) {
  std::string_view const name = params[0];
  bool ok = !name.empty() && name.size() <= max_name_size;
  for (char c : name) {
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
  }
  if (!ok) {
    throw Failure(ErrorCode::invalid_body, "secret name must be 1-128 characters of A-Z a-z 0-9 _ - .");
  }
  return std::string(name);
}

boost::asio::awaitable<Response> put_secret(Services& s, Request const& req, PathParams const& params) {
  auto const& caller = req.caller();
  std::string const name = secret_name(params);
  auto const body = json_object_body(req);
  std::string const value = required_string(body, "value", max_value_size);
  co_await s.domain.secrets.put(caller.principal_id(), name, value);
  co_return empty_response(204);
}

boost::asio::awaitable<Response> delete_secret(Services& s, Request const& req, PathParams const& params) {
  auto const& caller = req.caller();
  co_await s.domain.secrets.remove(caller.principal_id(), secret_name(params));
  co_return empty_response(204);
}

}  // namespace

void add_secret_routes(Router& router, Services& s) {
  router.add(Method::put, "/secrets/{name}", caller_with(auth::Scope::secrets_write),
             [&s](Request const& r, PathParams const& p) { return put_secret(s, r, p); });
  router.add(Method::del, "/secrets/{name}", caller_with(auth::Scope::secrets_write),
             [&s](Request const& r, PathParams const& p) { return delete_secret(s, r, p); });
}

}  // namespace gatehouse::api
