#pragma once
// Every in-process part of one gatehouse node but its listeners, built from the configuration
// in the order they depend on each other, with the in-memory registries loaded from the
// database. The server runs them; the fuzz target and the route-table test build the same.
#include "gatehouse/api/client_limits.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/app/config.hpp"
#include "gatehouse/auth/api_key_registry.hpp"
#include "gatehouse/auth/api_key_usage.hpp"
#include "gatehouse/auth/authenticator.hpp"
#include "gatehouse/auth/jwks_provider.hpp"
#include "gatehouse/auth/session_extender.hpp"
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/auth/stream_tickets.hpp"
#include "gatehouse/crypto/secret_box.hpp"
#include "gatehouse/domain/change_applier.hpp"
#include "gatehouse/domain/change_tailer.hpp"
#include "gatehouse/domain/domain.hpp"
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/streams/event_hub.hpp"
#include "gatehouse/streams/stream_registry.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace gatehouse::app {

struct ComponentOptions {
  store::DatabaseOptions database;
  bool start_jwks = true;  // false: the JWKS provider exists but fetches nothing until start()
  bool start_tailer = true;  // several nodes: follow the other nodes' changes from the start
};

// Declaration order is construction order: each member is built from those above it, and
// destroyed before them (the database thread drains before the registries its hooks touch go).
struct Components {
  // network: where the JWKS provider fetches; blocking: where it reads file:// documents.
  Components(Config const& config, crypto::SecretBox secret_box, boost::asio::any_io_executor network,
             boost::asio::any_io_executor blocking, ComponentOptions options = {});
  Components(Components const&) = delete;
  Components& operator=(Components const&) = delete;

  std::string node_id;
  crypto::SecretBox secret_box;
  auth::SessionRegistry sessions;
  auth::ApiKeyRegistry api_keys;
  auth::StreamTickets tickets;
  streams::EventHub hub;
  streams::StreamRegistry streams;
  store::DbExecutor db;
  domain::ChangeApplier changes;
  auth::SessionExtender extender;
  auth::ApiKeyUsage api_key_usage;
  std::unique_ptr<auth::JwksProvider> jwks;  // null without --jwks-url
  auth::Authenticator authenticator;
  domain::Domain domain;
  api::ClientLimits limits;
  api::Services services;
  std::unique_ptr<domain::ChangeTailer> tailer;  // several nodes (PostgreSQL) only

  bool several_nodes() const { return db.engine() == store::Engine::postgresql; }
};

// --node-id, or the host name and the listen port.
std::string node_id_of(Config const& config);

}  // namespace gatehouse::app
