#pragma once
// Principals as the client and the operator read them: the bootstrap snapshot (the principal
// and its connected secrets), listings, and the subscription plan an operator sets.
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/store/principal_store.hpp"
#include "gatehouse/store/records.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::domain {

struct BootstrapSnapshot {
  std::optional<store::PrincipalRecord> principal;  // absent only when the database was edited under us
  std::vector<store::SecretStatus> secrets;
};

class Principals {
 public:
  explicit Principals(store::DbExecutor& db) : db_(db) {}

  boost::asio::awaitable<BootstrapSnapshot> bootstrap(std::string const& principal_id);
  boost::asio::awaitable<std::optional<store::PrincipalRecord>> find(std::string const& principal_id);
  // Newest first; only principals of `kind` when given.
  boost::asio::awaitable<std::vector<store::PrincipalRecord>> list(std::optional<store::PrincipalKind> kind,
                                                                   std::size_t limit);
  // The updated principal, or nullopt when there is no such id.
  boost::asio::awaitable<std::optional<store::PrincipalRecord>> set_plan(std::string const& principal_id,
                                                                         store::PlanChange const& change);

 private:
  store::DbExecutor& db_;
};

}  // namespace gatehouse::domain
