#pragma once
#include "gatehouse/store/records.hpp"
#include "gatehouse/store/transaction.hpp"

#include <vector>

namespace gatehouse::store {

// The user principal of a Clerk user id, created on first sight. email and name are updated
// from the claims when present (absent claims keep what is stored).
PrincipalRecord upsert_user_principal(Tx& tx, std::string const& clerk_user_id,
                                      std::optional<std::string> const& email,
                                      std::optional<std::string> const& name, UnixSeconds now);

// The anonymous principal of a device, created on first sight: one per device_id.
PrincipalRecord upsert_anonymous_principal(Tx& tx, std::string const& device_id, UnixSeconds now);

std::optional<PrincipalRecord> find_principal(Tx& tx, std::string const& id);
std::optional<PrincipalRecord> find_anonymous_principal(Tx& tx, std::string const& device_id);

// Newest first, at most `limit`; only principals of `kind` when given.
std::vector<PrincipalRecord> list_principals(Tx& tx, std::optional<PrincipalKind> kind, std::size_t limit);

struct PlanChange {
  std::string plan;
  std::string status;
  std::optional<UnixSeconds> current_period_end;
};

// Sets a principal's subscription; the updated principal, or nullopt when there is no such id.
std::optional<PrincipalRecord> set_plan(Tx& tx, std::string const& principal_id, PlanChange const& change,
                                        UnixSeconds now);

}  // namespace gatehouse::store
