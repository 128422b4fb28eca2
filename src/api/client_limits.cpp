#include "gatehouse/api/client_limits.hpp"

#include "gatehouse/errors.hpp"

namespace gatehouse::api {

namespace {

[[noreturn]] void refuse(std::int64_t retry_after) {
  throw Failure(ErrorCode::too_many_requests, std::to_string(retry_after));
}

bool refused_credential(ErrorCode code) {
  switch (code) {
    case ErrorCode::token_expired:
    case ErrorCode::invalid_token:
    case ErrorCode::invalid_authorized_party:
    case ErrorCode::invalid_api_key:
    case ErrorCode::api_key_expired:
      return true;
    default:
      return false;  // a missing credential or a refusal of a valid one is no guess
  }
}

}  // namespace

ClientLimits::ClientLimits(ClientLimitsOptions const& options)
    : proxies_(TrustedProxies::parse(options.trusted_proxies).value_or(TrustedProxies{})),
      sessions_(options.session_creation),
      failures_(options.failed_auth) {}

void ClientLimits::charge_session_creation(std::string const& client) {
  if (auto wait = sessions_.acquire(client)) refuse(*wait);
}

void ClientLimits::check_failures(std::string const& client) {
  if (auto wait = failures_.exhausted(client)) refuse(*wait);
}

void ClientLimits::note_failure(std::string const& client, Failure const& failure) {
  if (refused_credential(failure.code())) failures_.acquire(client);
}

}  // namespace gatehouse::api
