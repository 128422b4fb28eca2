#include "gatehouse/domain/principals.hpp"

#include "gatehouse/store/secret_store.hpp"

namespace gatehouse::domain {

boost::asio::awaitable<BootstrapSnapshot> Principals::bootstrap(std::string const& principal_id) {
  co_return co_await db_.read([&](store::Tx& tx) {
    return BootstrapSnapshot{store::find_principal(tx, principal_id), store::list_secrets(tx, principal_id)};
  });
}

boost::asio::awaitable<std::optional<store::PrincipalRecord>> Principals::find(std::string const& principal_id) {
  co_return co_await db_.read([&](store::Tx& tx) { return store::find_principal(tx, principal_id); });
}

boost::asio::awaitable<std::vector<store::PrincipalRecord>> Principals::list(std::optional<store::PrincipalKind> kind,
                                                                           std::size_t limit) {
  co_return co_await db_.read([&](store::Tx& tx) { return store::list_principals(tx, kind, limit); });
}

boost::asio::awaitable<std::optional<store::PrincipalRecord>> Principals::set_plan(std::string const& principal_id,
                                                                                 store::PlanChange const& change) {
  co_return co_await db_.write([&](store::Tx& tx) { return store::set_plan(tx, principal_id, change, now_unix()); });
}

}  // namespace gatehouse::domain
