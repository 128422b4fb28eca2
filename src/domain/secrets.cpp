#include "gatehouse/domain/secrets.hpp"

#include "gatehouse/errors.hpp"
#include "gatehouse/store/secret_store.hpp"

namespace gatehouse::domain {

boost::asio::awaitable<void> Secrets::put(std::string const& owner_id, std::string const& name,
                                          std::string const& value) {
  // The row id is the associated data: a sealed value copied to another row does not open.
  store::Sealer const seal = [this, &value](std::string const& row_id) {
    return box_.seal(value, "gatehouse-secret:" + row_id);
  };
  co_await db_.write([&](store::Tx& tx) { store::put_secret(tx, owner_id, name, seal, now_unix()); });
}

boost::asio::awaitable<void> Secrets::remove(std::string const& owner_id, std::string const& name) {
  bool const deleted = co_await db_.write([&](store::Tx& tx) { return store::delete_secret(tx, owner_id, name); });
  if (!deleted) throw Failure(ErrorCode::secret_not_found);
}

}  // namespace gatehouse::domain
