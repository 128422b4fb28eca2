#include "gatehouse/app/components.hpp"

#include "gatehouse/client/url.hpp"
#include "gatehouse/store/api_key_store.hpp"
#include "gatehouse/store/session_store.hpp"

namespace gatehouse::app {

namespace {

std::unique_ptr<auth::JwksProvider> make_jwks(Config const& config, boost::asio::any_io_executor network,
                                              boost::asio::any_io_executor blocking) {
  if (!config.jwks_url) return nullptr;
  auth::JwksProviderOptions options;
  options.url = *client::parse_url(*config.jwks_url);  // validated when the flag was parsed
  options.refresh_interval = std::chrono::seconds(config.jwks_refresh);
  options.min_refetch_interval = std::chrono::seconds(config.jwks_min_refetch);
  return std::make_unique<auth::JwksProvider>(std::move(network), std::move(blocking), options);
}

}  // namespace

Components::Components(Config const& config, crypto::SecretBox box, boost::asio::any_io_executor network,
                       boost::asio::any_io_executor blocking, ComponentOptions options)
    : secret_box(std::move(box)),
      db(config.database(), options.database),
      changes(sessions, api_keys, hub, streams),
      extender(db, config.session_ttl),
      api_key_usage(db),
      jwks(make_jwks(config, std::move(network), std::move(blocking))),
      authenticator(auth::AuthenticatorParts{sessions, api_keys, api_key_usage, tickets, jwks.get()},
                    auth::AuthenticatorOptions{config.api_key_prefix,
                                               auth::JwtPolicy{config.issuer, config.authorized_parties,
                                                               config.clock_skew}}),
      domain(domain::DomainParts{db, changes, sessions, api_keys, secret_box},
             domain::DomainOptions{domain::SessionOptions{config.session_ttl},
                                   domain::ApiKeyOptions{config.api_key_prefix}}),
      limits(api::ClientLimitsOptions{config.trusted_proxies, config.session_rate_limit, config.failed_auth_rate_limit}),
      services{api::RouteOptions{config.dev}, domain, authenticator, tickets, extender, limits, jwks.get()} {
  // Memory starts as the database is: sessions and keys (revoked and expired ones too, until purged).
  db.read_blocking([&](store::Tx& tx) {
    for (auto const& record : store::load_sessions(tx)) sessions.add(record);
    for (auto const& record : store::load_api_keys(tx)) api_keys.add(record);
  });
  if (jwks && options.start_jwks) jwks->start();
}

}  // namespace gatehouse::app
