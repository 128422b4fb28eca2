#pragma once
#include "gatehouse/store/transaction.hpp"
#include "gatehouse/util/clock.hpp"

namespace gatehouse::store {

// Rewrites the single readiness_probe row: run inside db.write(), it proves a write commits.
void touch_readiness_probe(Tx& tx, UnixSeconds now);

}  // namespace gatehouse::store
