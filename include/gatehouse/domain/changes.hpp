#pragma once
// What a committed write changed, as the rest of the process must learn it: the in-memory
// registries, the event hub and the open streams follow these and nothing else. A domain
// operation states its changes in the transaction that makes its write (see ChangeApplier);
// with several nodes the same changes arrive from the others.
#include "gatehouse/store/api_key_store.hpp"
#include "gatehouse/store/records.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
// Streams kept these sessions alive (written behind, once a second): their new expiries.
struct SessionsExtended {
  std::vector<std::pair<std::string, UnixSeconds>> expiries;
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

using Change = std::variant<SessionMinted, SessionsRevoked, SessionsPurged, SessionsExtended, ApiKeyCreated,
                            ApiKeyRevoked, EventCommitted>;

// A change as the other nodes read it (the changes table's body): JSON with a "type" and the
// change's fields, token hashes in base64url. decode gives nullopt for a body it cannot read
// (a newer node's change type, say), which the reader skips.
std::string encode(Change const& change);
std::optional<Change> decode(std::string_view body);

}  // namespace gatehouse::domain
