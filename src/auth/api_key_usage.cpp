#include "gatehouse/auth/api_key_usage.hpp"

#include "gatehouse/store/api_key_store.hpp"

namespace gatehouse::auth {

ApiKeyUsage::ApiKeyUsage(store::DbExecutor& db)
    : writes_(db, "API key use times", [](store::Tx& tx, store::WriteBehind::Batch const& batch) {
        store::record_api_key_use(tx, batch);
      }) {}

void ApiKeyUsage::record(ApiKey& key, UnixSeconds now) {
  // One bookkeeping step per key per second, however busy the key is: the compare-exchange
  // lets exactly one of many concurrent requests note it.
  UnixSeconds seen = key.last_used_at.load(std::memory_order_relaxed);
  if (seen >= now || !key.last_used_at.compare_exchange_strong(seen, now)) return;
  writes_.note(key.id, now);
}

}  // namespace gatehouse::auth
