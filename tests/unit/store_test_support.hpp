#pragma once
// A real database, opened through DbExecutor, for the store unit tests: a SQLite file in a
// temporary directory, or a fresh PostgreSQL database on the test server. in_write/in_read run
// one unit of work on the database thread and hand back its result (or rethrow its exception)
// on the calling thread. Store tests are parameterised over both engines (EngineName names
// them); a PostgreSQL case skips without a test server (see support/postgres_test_db.hpp).
#include "gatehouse/store/db_executor.hpp"
#include "support/postgres_test_db.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

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
  explicit StoreFixtureDb(store::Engine engine = store::Engine::sqlite, store::DatabaseOptions const& options = {}) {
    if (engine == store::Engine::postgresql) {
      postgres_ = std::make_unique<PostgresTestDatabase>();
      location_ = store::DatabaseLocation::parse(postgres_->uri());
    }
    db_ = std::make_unique<store::DbExecutor>(location_, options);
  }
  ~StoreFixtureDb() { db_.reset(); }  // the database thread goes before its database is dropped

  std::filesystem::path path() const { return dir_ / "gatehouse.db"; }
  // Where the database is: a second DbExecutor opened here is a second node.
  store::DatabaseLocation const& location() const { return location_; }
  store::Engine engine() const { return db_->engine(); }
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
  store::DatabaseLocation location_{path()};
  std::unique_ptr<PostgresTestDatabase> postgres_;
  std::unique_ptr<store::DbExecutor> db_;
};

// For INSTANTIATE_TEST_SUITE_P over both engines: "sqlite", "postgresql".
inline std::string EngineName(::testing::TestParamInfo<store::Engine> const& info) {
  return std::string(store::to_string(info.param));
}

// A store test on one engine: the fixture's database is made in SetUp, so that a PostgreSQL case
// without a test server skips (or, under CI, fails) instead of throwing from a constructor.
class EngineTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == store::Engine::postgresql) GATEHOUSE_REQUIRE_POSTGRES();
    fixture_ = std::make_unique<StoreFixtureDb>(GetParam());
  }
  void TearDown() override { fixture_.reset(); }
  StoreFixtureDb& db() { return *fixture_; }

 private:
  std::unique_ptr<StoreFixtureDb> fixture_;
};

#define GATEHOUSE_BOTH_ENGINES(suite)                                                                       \
  INSTANTIATE_TEST_SUITE_P(Engines, suite,                                                                 \
                           ::testing::Values(::gatehouse::store::Engine::sqlite, ::gatehouse::store::Engine::postgresql), \
                           ::gatehouse::testing::EngineName)

}  // namespace gatehouse::testing
