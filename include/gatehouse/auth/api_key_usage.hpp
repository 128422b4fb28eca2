#pragma once
// An API key's last use, kept without a database write per request: the in-memory key moves at
// most once a second, and the database follows in one batched write per second.
#include "gatehouse/auth/api_key_registry.hpp"
#include "gatehouse/store/write_behind.hpp"

namespace gatehouse::auth {

class ApiKeyUsage {
 public:
  explicit ApiKeyUsage(store::DbExecutor& db);

  void record(ApiKey& key, UnixSeconds now);

  boost::asio::awaitable<void> run(std::atomic<bool> const& stopping) { return writes_.run(stopping); }
  void flush_blocking() { writes_.flush_blocking(); }

 private:
  store::WriteBehind writes_;
};

}  // namespace gatehouse::auth
