#pragma once
// A real SQLite database in a temporary directory, opened through DbExecutor, for the store
// unit tests. in_write/in_read run one unit of work on the database thread and hand back its
// result (or rethrow its exception) on the calling thread.
#include "gatehouse/store/db_executor.hpp"
#include "support/temp_dir.hpp"

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace gatehouse::testing {

class StoreFixtureDb {
  // Defined first: the public helpers deduce their return types from it.
  template <typename F>
  auto run(F f, bool write) {
    using R = std::invoke_result_t<F&, store::Tx&>;
    if constexpr (std::is_void_v<R>) {
      if (write) {
        db_->write_blocking([&f](store::Tx& tx) { f(tx); });
      } else {
        db_->read_blocking([&f](store::Tx& tx) { f(tx); });
      }
    } else {
      std::optional<R> result;
      auto work = [&f, &result](store::Tx& tx) { result.emplace(f(tx)); };
      if (write) {
        db_->write_blocking(work);
      } else {
        db_->read_blocking(work);
      }
      return std::move(*result);
    }
  }

 public:
  StoreFixtureDb() : db_(std::make_unique<store::DbExecutor>(path(), store::DatabaseOptions{})) {}

  std::filesystem::path path() const { return dir_ / "gatehouse.db"; }
  store::DbExecutor& db() { return *db_; }

  template <typename F>
  auto in_write(F f) {
    return run(std::move(f), true);
  }
  template <typename F>
  auto in_read(F f) {
    return run(std::move(f), false);
  }

  // A single integer from a query (COUNT(*) and the like).
  std::int64_t scalar(std::string const& sql) {
    return in_read([&](store::Tx& tx) {
      auto q = tx.query(sql);
      return q.next() ? q.int64(0) : std::int64_t{-1};
    });
  }

 private:
  TempDir dir_;
  std::unique_ptr<store::DbExecutor> db_;
};

}  // namespace gatehouse::testing
