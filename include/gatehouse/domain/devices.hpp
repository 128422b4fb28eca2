#pragma once
// Rebind: a signed-in user claims everything an anonymous device wrote, in one transaction
// (every owner-bearing row moves or none does), and the device's anonymous sessions end.
#include "gatehouse/auth/jwt_verifier.hpp"
#include "gatehouse/domain/change_applier.hpp"
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/store/rebind_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <variant>

namespace gatehouse::domain {

// Who claims the device: a user principal already known (a session's), or the verified claims
// of a Clerk JWT (its principal is created on first sight, in the same transaction).
using RebindClaimant = std::variant<std::string, auth::JwtClaims>;

struct Rebound {
  store::RebindOutcome outcome = store::RebindOutcome::never_used;
  std::int64_t moved = 0;
  std::string user_id;  // the claimant's principal id
};

class Devices {
 public:
  Devices(store::DbExecutor& db, ChangeApplier& changes) : db_(db), changes_(changes) {}

  boost::asio::awaitable<Rebound> rebind(std::string const& device_id, RebindClaimant const& claimant);

 private:
  store::DbExecutor& db_;
  ChangeApplier& changes_;
};

}  // namespace gatehouse::domain
