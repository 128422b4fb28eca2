#pragma once
// A principal's secrets: sealed with AES-256-GCM (bound to their row) before they reach the
// store, and never read back out.
#include "gatehouse/crypto/secret_box.hpp"
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/store/records.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace gatehouse::domain {

class Secrets {
 public:
  Secrets(store::DbExecutor& db, crypto::SecretBox const& box) : db_(db), box_(box) {}

  // Creates or replaces the owner's secret `name`.
  boost::asio::awaitable<void> put(std::string const& owner_id, std::string const& name, std::string const& value);
  // Throws Failure(secret_not_found) when the owner has no secret by that name.
  boost::asio::awaitable<void> remove(std::string const& owner_id, std::string const& name);

 private:
  store::DbExecutor& db_;
  crypto::SecretBox const& box_;
};

}  // namespace gatehouse::domain
