#include "gatehouse/app/components.hpp"

#include "gatehouse/client/url.hpp"
#include "gatehouse/store/api_key_store.hpp"
#include "gatehouse/store/change_store.hpp"
#include "gatehouse/store/session_store.hpp"
#include "gatehouse/util/log.hpp"

#include <unistd.h>

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

// A change is read again this long after it was written: a transaction that took its seq earlier
// may still have been committing when this node read the tables.
constexpr UnixSeconds tail_overlap = 30;

store::DatabaseOptions with_connections(store::DatabaseOptions options, std::int64_t connections) {
  options.connections = static_cast<std::size_t>(connections);
  return options;
}

}  // namespace

std::string node_id_of(Config const& config) {
  if (!config.node_id.empty()) return config.node_id;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "node");
  return std::string(host) + ":" +
         (config.listen_port != 0 ? std::to_string(config.listen_port) : "pid" + std::to_string(::getpid()));
}

Components::Components(Config const& config, crypto::SecretBox box, boost::asio::any_io_executor network,
                       boost::asio::any_io_executor blocking, ComponentOptions options)
    : node_id(node_id_of(config)),
      secret_box(std::move(box)),
      db(config.database(), with_connections(options.database, config.db_connections)),
      changes(sessions, api_keys, hub, streams),
      extender(db, config.session_ttl,
               [this](store::Tx& tx, store::WriteBehind::Batch const& batch) {
                 domain::SessionsExtended extended;
                 extended.expiries.assign(batch.begin(), batch.end());
                 changes.record_for_other_nodes(tx, extended);
               }),
      api_key_usage(db),
      jwks(make_jwks(config, std::move(network), std::move(blocking))),
      authenticator(auth::AuthenticatorParts{sessions, api_keys, api_key_usage, tickets, jwks.get()},
                    auth::AuthenticatorOptions{config.api_key_prefix,
                                               auth::JwtPolicy{config.issuer, config.authorized_parties,
                                                               config.clock_skew},
                                               db.engine() == store::Engine::postgresql}),
      domain(domain::DomainParts{db, changes, sessions, api_keys, tickets, secret_box},
             domain::DomainOptions{domain::SessionOptions{config.session_ttl},
                                   domain::ApiKeyOptions{config.api_key_prefix},
                                   db.engine() == store::Engine::postgresql,
                                   domain::RefreshOptions{config.refresh_token_ttl}}),
      limits(api::ClientLimitsOptions{config.trusted_proxies, config.session_rate_limit, config.failed_auth_rate_limit}),
      services{api::RouteOptions{config.dev}, domain, authenticator, extender, limits, jwks.get()} {
  if (several_nodes()) changes.publish_to_other_nodes(node_id);
  // Memory starts as the database is: sessions and keys (revoked and expired ones too, until
  // purged); with several nodes, from the same snapshot, the seq the changes feed goes on from.
  std::int64_t tail_from = 0;
  auto load_tables = [this](store::Tx& tx) {
    for (auto const& record : store::load_sessions(tx)) sessions.add(record);
    for (auto const& record : store::load_api_keys(tx)) api_keys.add(record);
  };
  db.read_blocking([&](store::Tx& tx) {
    load_tables(tx);
    if (several_nodes()) tail_from = store::tail_start(tx, now_unix(), tail_overlap);
  });
  if (several_nodes()) {
    tailer = std::make_unique<domain::ChangeTailer>(config.database(), changes, tail_from, [this, load_tables] {
      // Away longer than the feed keeps changes: the tables again, and every stream starts over
      // (its client resumes from its last event).
      db.read_blocking(load_tables);
      streams.close_open(streams::CloseReason::failed);
    });
    services.changes_feed = tailer.get();
    if (options.start_tailer) tailer->start();
  }
  if (jwks && options.start_jwks) jwks->start();
}

}  // namespace gatehouse::app
