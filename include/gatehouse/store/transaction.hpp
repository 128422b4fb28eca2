#pragma once
// What a unit of database work sees: queries on the connection, and hooks that run only if
// and after its transaction commits (in commit order, on the database thread). In-memory
// state that mirrors the database (the session registry, the event hub) is updated from those
// hooks, so it changes exactly when the database does and never for a rolled-back change.
#include "gatehouse/store/database.hpp"

#include <functional>
#include <vector>

namespace gatehouse::store {

class Tx {
 public:
  explicit Tx(Database& db) : db_(db) {}

  Query query(std::string_view sql);
  // The statement as this engine spells it, where SQLite's and PostgreSQL's differ.
  Query query(std::string_view sqlite, std::string_view postgresql);
  Engine engine() const;
  int changes() const;
  Database& database() { return db_; }
  void on_commit(std::function<void()> hook);
  // Wakes the nodes listening on the changes channel when the transaction commits (PostgreSQL's
  // NOTIFY, sent once per transaction however many writes asked).
  void notify_other_nodes() { notify_ = true; }
  bool notifies() const { return notify_; }

  std::vector<std::function<void()>>& hooks() { return hooks_; }

 private:
  Database& db_;
  std::vector<std::function<void()>> hooks_;
  bool notify_ = false;
};

}  // namespace gatehouse::store
