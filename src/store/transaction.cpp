#include "gatehouse/store/transaction.hpp"

namespace gatehouse::store {

Query Tx::query(std::string_view sql) { return db_.query(sql); }

Query Tx::query(std::string_view sqlite, std::string_view postgresql) {
  return db_.query(db_.dialect(sqlite, postgresql));
}

Engine Tx::engine() const { return db_.engine(); }

int Tx::changes() const { return db_.changes(); }

void Tx::on_commit(std::function<void()> hook) { hooks_.push_back(std::move(hook)); }

}  // namespace gatehouse::store
