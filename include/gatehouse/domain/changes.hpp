#pragma once
// What a committed write changed, as the rest of the process must learn it: the in-memory
// registries, the event hub and the open streams follow these and nothing else. A domain
// operation states its changes in the transaction that makes its write (see ChangeApplier);
// with several nodes the same changes arrive from the others.
#include "gatehouse/store/api_key_store.hpp"
#include "gatehouse/store/records.hpp"

#include <string>
#include <variant>
#include <vector>

namespace gatehouse::domain {

struct SessionMinted {
  store::SessionRecord session;
};
// Revoked by logout, session revocation, rebind or an operator: refused from now on, streams closed.
struct SessionsRevoked {
  std::vector<std::string> session_ids;
};
// Expired or revoked long enough ago to be forgotten.
struct SessionsPurged {
  std::vector<std::string> session_ids;
};
struct ApiKeyCreated {
  store::ApiKeyRecord key;
};
struct ApiKeyRevoked {
  std::string key_id;
};
struct EventCommitted {
  store::EventRecord event;
};

using Change = std::variant<SessionMinted, SessionsRevoked, SessionsPurged, ApiKeyCreated, ApiKeyRevoked, EventCommitted>;

}  // namespace gatehouse::domain
