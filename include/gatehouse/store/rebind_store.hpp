#pragma once
// Re-owning an anonymous device's rows to a user (the contract's Rebind section). Runs inside
// the caller's write transaction, so every owner-bearing row moves or none does.
#include "gatehouse/store/records.hpp"
#include "gatehouse/store/transaction.hpp"

#include <vector>

namespace gatehouse::store {

enum class RebindOutcome {
  never_used,           // the device has no anonymous principal: nothing to do
  rebound,              // rows moved (possibly zero on the first rebind) and the device is bound
  nothing_new,          // already bound to this user and no new rows
  bound_to_other_user,  // refused; nothing changed
};

struct RebindResult {
  RebindOutcome outcome = RebindOutcome::never_used;
  std::int64_t moved = 0;
  std::vector<std::string> revoked_session_ids;  // the device's anonymous sessions, now revoked
};

RebindResult rebind_device(Tx& tx, std::string const& device_id, std::string const& user_principal_id,
                           UnixSeconds now);

}  // namespace gatehouse::store
