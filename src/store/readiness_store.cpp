#include "gatehouse/store/readiness_store.hpp"

namespace gatehouse::store {

void touch_readiness_probe(Tx& tx, UnixSeconds now) {
  tx.query("INSERT INTO readiness_probe (id, checked_at) VALUES (1, ?1) "
           "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at")
      .bind(1, now)
      .run();
}

}  // namespace gatehouse::store
