// The database thread: migrations at open, blocking and coroutine access, and group commit in
// which every write job is isolated in its own savepoint and post-commit hooks fire only for
// the jobs that really committed.
#include "gatehouse/store/database.hpp"
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/store/migrations.hpp"
#include "gatehouse/store/principal_store.hpp"
#include "store_test_support.hpp"
#include "support/temp_dir.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using gatehouse::store::DatabaseOptions;
using gatehouse::store::DbError;
using gatehouse::store::DbExecutor;
using gatehouse::store::Tx;
using gatehouse::testing::StoreFixtureDb;
using gatehouse::testing::TempDir;

std::string text_pragma(DbExecutor& db, std::string const& pragma) {
  std::string out;
  db.read_blocking([&](Tx& tx) {
    auto q = tx.query("PRAGMA " + pragma);
    if (q.next()) out = q.text(0);
  });
  return out;
}

std::int64_t count_rows(DbExecutor& db, std::string const& sql) {
  std::int64_t n = -1;
  db.read_blocking([&](Tx& tx) {
    auto q = tx.query(sql);
    if (q.next()) n = q.int64(0);
  });
  return n;
}

TEST(DbExecutor, AppliesMigrationsOnAFreshFile) {
  StoreFixtureDb f;
  int const latest = gatehouse::store::embedded_migrations(gatehouse::store::Engine::sqlite).back().version;
  EXPECT_EQ(f.db().schema_version(), latest);
  EXPECT_EQ(text_pragma(f.db(), "user_version"), std::to_string(latest));
  for (char const* table : {"principals", "sessions", "device_bindings", "research", "research_events", "secrets"}) {
    EXPECT_EQ(count_rows(f.db(), std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") +
                                     table + "'"),
              1)
        << table;
  }
}

TEST(DbExecutor, UsesWriteAheadLogging) {
  StoreFixtureDb f;
  EXPECT_EQ(text_pragma(f.db(), "journal_mode"), "wal");
}

TEST(DbExecutor, EnforcesForeignKeys) {
  StoreFixtureDb f;
  EXPECT_EQ(text_pragma(f.db(), "foreign_keys"), "1");
  EXPECT_THROW(f.db().write_blocking([](Tx& tx) {
    tx.query("INSERT INTO research (id, owner_id, title, created_at, updated_at) VALUES ('r', 'no-such-owner', 't', 1, 1)")
        .run();
  }),
               DbError);
  EXPECT_EQ(count_rows(f.db(), "SELECT count(*) FROM research"), 0);
}

TEST(DbExecutor, ReopeningAMigratedFileDoesNotReapplyMigrations) {
  TempDir dir;
  auto const path = dir / "gatehouse.db";
  std::string principal_id;
  {
    DbExecutor db(path, DatabaseOptions{});
    db.write_blocking([&](Tx& tx) { principal_id = gatehouse::store::upsert_anonymous_principal(tx, "dev-1", 100).id; });
  }
  // Re-running 0001 would fail on CREATE TABLE (and a rebuilt schema would have lost the row).
  DbExecutor again(path, DatabaseOptions{});
  int const latest = gatehouse::store::embedded_migrations(gatehouse::store::Engine::sqlite).back().version;
  EXPECT_EQ(again.schema_version(), latest);
  EXPECT_EQ(text_pragma(again, "user_version"), std::to_string(latest));
  std::optional<gatehouse::store::PrincipalRecord> found;
  again.read_blocking([&](Tx& tx) { found = gatehouse::store::find_anonymous_principal(tx, "dev-1"); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, principal_id);
}

TEST(DbExecutor, RefusesADatabaseWithANewerSchemaVersion) {
  TempDir dir;
  auto const path = dir / "gatehouse.db";
  {
    auto const raw = gatehouse::store::open_database(path, DatabaseOptions{});
    raw->exec("PRAGMA user_version = 99");
  }
  try {
    DbExecutor db(path, DatabaseOptions{});
    FAIL() << "opened a database from the future";
  } catch (std::runtime_error const& e) {
    EXPECT_NE(std::string(e.what()).find("99"), std::string::npos) << e.what();
  }
}

TEST(DbExecutor, WriteBlockingCommitsAndReadBlockingSeesIt) {
  StoreFixtureDb f;
  f.db().write_blocking([](Tx& tx) {
    tx.query("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT").run();
    tx.query("INSERT INTO t (k, v) VALUES (1, 'one')").run();
  });
  std::string v;
  f.db().read_blocking([&](Tx& tx) {
    auto q = tx.query("SELECT v FROM t WHERE k = 1");
    if (q.next()) v = q.text(0);
  });
  EXPECT_EQ(v, "one");
}

TEST(DbExecutor, WriteBlockingRethrowsAndRollsBackTheFailedJob) {
  StoreFixtureDb f;
  f.db().write_blocking([](Tx& tx) { tx.query("CREATE TABLE t (k INTEGER PRIMARY KEY) STRICT").run(); });
  EXPECT_THROW(f.db().write_blocking([](Tx& tx) {
    tx.query("INSERT INTO t (k) VALUES (1)").run();
    throw std::invalid_argument("after the insert");
  }),
               std::invalid_argument);
  EXPECT_EQ(count_rows(f.db(), "SELECT count(*) FROM t"), 0);
}

TEST(DbExecutor, WorkAfterStopIsRefusedAsUnavailable) {
  StoreFixtureDb f;
  f.db().stop();
  try {
    f.db().write_blocking([](Tx&) {});
    FAIL() << "work accepted after stop()";
  } catch (DbError const& e) {
    EXPECT_TRUE(e.unavailable());
  }
}

// ---- Group commit -----------------------------------------------------------------------

enum class JobMode { commit, throw_after_insert, constraint_violation };

struct GroupState {
  DbExecutor* db = nullptr;
  sqlite3* observer = nullptr;  // a second connection: sees only committed data
  std::atomic<int> submitted{0};
  // Written on the database thread only (jobs and hooks run there).
  std::vector<int> executed;
  std::vector<int> hooks_run;
  std::vector<int> hooks_saw_committed_row;
  // One slot per job, written by that job's coroutine.
  std::vector<std::string> outcome;
};

bool observer_sees(sqlite3* observer, int k) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(observer, "SELECT count(*) FROM t WHERE k = ?1", -1, &stmt, nullptr) != SQLITE_OK) return false;
  sqlite3_bind_int(stmt, 1, k);
  bool const seen = sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 1;
  sqlite3_finalize(stmt);
  return seen;
}

asio::awaitable<void> grouped_job(GroupState& s, int k, JobMode mode) {
  s.submitted.fetch_add(1);
  try {
    co_await s.db->write([&s, k, mode](Tx& tx) {
      s.executed.push_back(k);
      tx.on_commit([&s, k] {
        s.hooks_run.push_back(k);
        if (observer_sees(s.observer, k)) s.hooks_saw_committed_row.push_back(k);
      });
      tx.query("INSERT INTO t (k) VALUES (?1)").bind(1, k).run();
      if (mode == JobMode::throw_after_insert) throw std::runtime_error("job failed");
      if (mode == JobMode::constraint_violation) tx.query("INSERT INTO t (k) VALUES (-1)").run();  // duplicate key
    });
    s.outcome[static_cast<std::size_t>(k)] = "ok";
  } catch (DbError const&) {
    s.outcome[static_cast<std::size_t>(k)] = "db error";
  } catch (std::runtime_error const& e) {
    s.outcome[static_cast<std::size_t>(k)] = e.what();
  }
}

JobMode mode_of(int k) {
  switch (k % 4) {
    case 1: return JobMode::throw_after_insert;
    case 3: return JobMode::constraint_violation;
    default: return JobMode::commit;
  }
}

// Holds the database thread while `jobs` writes are submitted from coroutines on a 4-thread
// io_context, then lets them all run as one group.
class GroupCommit : public ::testing::Test {
 protected:
  static constexpr int jobs = 40;

  void SetUp() override {
    f.db().write_blocking([](Tx& tx) {
      tx.query("CREATE TABLE t (k INTEGER PRIMARY KEY) STRICT").run();
      tx.query("INSERT INTO t (k) VALUES (-1)").run();
    });
    ASSERT_EQ(sqlite3_open_v2(f.path().c_str(), &observer, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    state.db = &f.db();
    state.observer = observer;
    state.outcome.resize(jobs);
  }
  void TearDown() override { sqlite3_close_v2(observer); }

  void run_group() {
    std::promise<void> blocked;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::thread blocker([&] {
      f.db().write_blocking([&](Tx&) {
        blocked.set_value();
        released.wait();
      });
    });
    blocked.get_future().wait();
    commits_before = f.db().stats().commits;

    auto guard = asio::make_work_guard(io);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) threads.emplace_back([this] { io.run(); });
    for (int k = 0; k < jobs; ++k) asio::co_spawn(io, grouped_job(state, k, mode_of(k)), asio::detached);
    while (f.db().stats().queued < static_cast<std::size_t>(jobs)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    release.set_value();
    blocker.join();
    guard.reset();
    for (auto& t : threads) t.join();
  }

  // Declared first, destroyed last: the database thread (in f) may still be inside post() for
  // the last completion when run_group returns.
  asio::io_context io;
  StoreFixtureDb f;
  sqlite3* observer = nullptr;
  GroupState state;
  std::uint64_t commits_before = 0;
};

TEST_F(GroupCommit, AFailingWriteRollsBackOnlyItsOwnChanges) {
  run_group();
  // The blocker's batch, then every queued job in one transaction.
  EXPECT_EQ(f.db().stats().commits - commits_before, 2u);
  for (int k = 0; k < jobs; ++k) {
    std::int64_t const rows = count_rows(f.db(), "SELECT count(*) FROM t WHERE k = " + std::to_string(k));
    switch (mode_of(k)) {
      case JobMode::commit:
        EXPECT_EQ(state.outcome[static_cast<std::size_t>(k)], "ok") << k;
        EXPECT_EQ(rows, 1) << "committed job " << k << " lost its row";
        break;
      case JobMode::throw_after_insert:
        EXPECT_EQ(state.outcome[static_cast<std::size_t>(k)], "job failed") << k;
        EXPECT_EQ(rows, 0) << "failed job " << k << " kept its row";
        break;
      case JobMode::constraint_violation:
        EXPECT_EQ(state.outcome[static_cast<std::size_t>(k)], "db error") << k;
        EXPECT_EQ(rows, 0) << "failed job " << k << " kept its row";
        break;
    }
  }
  EXPECT_EQ(count_rows(f.db(), "SELECT count(*) FROM t WHERE k = -1"), 1);
}

TEST_F(GroupCommit, OnCommitHooksRunOnlyForCommittedJobsInCommitOrderAfterTheCommit) {
  run_group();
  ASSERT_EQ(state.executed.size(), static_cast<std::size_t>(jobs));
  std::vector<int> committed_in_order;
  for (int k : state.executed) {
    if (mode_of(k) == JobMode::commit) committed_in_order.push_back(k);
  }
  EXPECT_EQ(state.hooks_run, committed_in_order);
  // Each hook already saw its row from another connection: it ran after a durable COMMIT.
  EXPECT_EQ(state.hooks_saw_committed_row, committed_in_order);
}

asio::awaitable<void> queued_insert(DbExecutor& db, int k, std::atomic<int>& submitted, std::atomic<int>& ok) {
  submitted.fetch_add(1);
  co_await db.write([k](Tx& tx) { tx.query("INSERT INTO t (k) VALUES (?1)").bind(1, k).run(); });
  ok.fetch_add(1);
}

TEST(DbExecutor, DestructionFinishesQueuedWorkFirst) {
  TempDir dir;
  auto const path = dir / "gatehouse.db";
  constexpr int jobs = 10;
  std::atomic<int> submitted{0};
  std::atomic<int> ok{0};
  {
    auto db = std::make_unique<DbExecutor>(path, DatabaseOptions{});
    db->write_blocking([](Tx& tx) { tx.query("CREATE TABLE t (k INTEGER PRIMARY KEY) STRICT").run(); });
    std::promise<void> blocked;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::thread blocker([&db, &blocked, released] {
      db->write_blocking([&](Tx&) {
        blocked.set_value();
        released.wait();
      });
    });
    blocked.get_future().wait();

    asio::io_context io;
    auto guard = asio::make_work_guard(io);
    std::thread io_thread([&io] { io.run(); });
    for (int k = 0; k < jobs; ++k) asio::co_spawn(io, queued_insert(*db, k, submitted, ok), asio::detached);
    while (submitted.load() < jobs) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));

    std::thread destroyer([&db] { db.reset(); });  // stops taking work, then drains the queue
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    release.set_value();
    destroyer.join();
    blocker.join();
    guard.reset();
    io_thread.join();
  }
  EXPECT_EQ(ok.load(), jobs);
  DbExecutor reopened(path, DatabaseOptions{});
  EXPECT_EQ(count_rows(reopened, "SELECT count(*) FROM t"), jobs);
}

// ---- Coroutine access --------------------------------------------------------------------

struct CoroutineResult {
  std::string value;
  std::int64_t count = -1;
  std::string error;
  std::thread::id db_thread;
  std::thread::id after_write;
  std::thread::id after_error;
};

asio::awaitable<void> use_from_coroutine(DbExecutor& db, CoroutineResult& out) {
  out.value = co_await db.write([&out](Tx& tx) {
    out.db_thread = std::this_thread::get_id();
    tx.query("CREATE TABLE t (k INTEGER PRIMARY KEY) STRICT").run();
    tx.query("INSERT INTO t (k) VALUES (7)").run();
    return std::string("written");
  });
  out.after_write = std::this_thread::get_id();
  out.count = co_await db.read([](Tx& tx) {
    auto q = tx.query("SELECT count(*) FROM t WHERE k = 7");
    return q.next() ? q.int64(0) : std::int64_t{-1};
  });
  try {
    co_await db.write([](Tx&) -> int { throw std::logic_error("refused in the job"); });
  } catch (std::logic_error const& e) {
    out.error = e.what();
    out.after_error = std::this_thread::get_id();
  }
}

TEST(DbExecutor, CoAwaitReturnsValuesAndRethrowsOnTheCallersExecutor) {
  // The io_context outlives the database thread: that thread may still be inside post() (waking
  // a thread of `io`) after the completion it posted has run (TSan caught it destroyed there).
  asio::io_context io;
  StoreFixtureDb f;
  CoroutineResult out;
  asio::co_spawn(io, use_from_coroutine(f.db(), out), asio::detached);
  io.run();  // on this thread only
  EXPECT_EQ(out.value, "written");
  EXPECT_EQ(out.count, 1);
  EXPECT_EQ(out.error, "refused in the job");
  EXPECT_NE(out.db_thread, std::this_thread::get_id());
  EXPECT_EQ(out.after_write, std::this_thread::get_id());
  EXPECT_EQ(out.after_error, std::this_thread::get_id());
}

}  // namespace

namespace {

// ---- Two nodes' group commits that lock the same rows in opposite orders -------------------

// One node's batch: its first job locks row `first` and waits until the other node's first job
// has locked the other row; its second job then wants the other node's row. Each holds what the
// other waits for: PostgreSQL picks a victim, whose second job must run again and succeed.
struct CrossingBatch {
  DbExecutor& db;
  int first;
  int second;
  std::latch& both_hold_a_row;
  std::vector<std::string> outcome = std::vector<std::string>(2);

  void run() {
    std::promise<void> held;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::thread blocker([&] {
      db.write_blocking([&](Tx&) {
        held.set_value();
        released.wait();
      });
    });
    held.get_future().wait();
    auto job = [this](std::size_t k, int row, bool wait_for_other) {
      return std::thread([this, k, row, wait_for_other] {
        try {
          db.write_blocking([&](Tx& tx) {
            tx.query("UPDATE t SET v = v + 1 WHERE k = ?1").bind(1, row).run();
            if (wait_for_other) both_hold_a_row.arrive_and_wait();
          });
          outcome[k] = "ok";
        } catch (std::exception const& e) {
          outcome[k] = e.what();
        }
      });
    };
    // Queued in this order behind the blocker, so that both run in the blocker's next batch.
    std::thread one = job(0, first, true);
    while (db.stats().queued < 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::thread two = job(1, second, false);
    while (db.stats().queued < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    release.set_value();
    blocker.join();
    one.join();
    two.join();
  }
};

}  // namespace

TEST(DbExecutorPostgres, AWriteThatLosesADeadlockToAnotherNodesBatchRunsAgainAndCommits) {
  GATEHOUSE_REQUIRE_POSTGRES();
  // One connection per node: the two jobs queued behind the blocker must be one batch, taken by
  // one thread, not two batches on two idle threads.
  DatabaseOptions one_connection;
  one_connection.connections = 1;
  StoreFixtureDb f(gatehouse::store::Engine::postgresql, one_connection);
  f.db().write_blocking([](Tx& tx) {
    tx.query("CREATE TABLE t (k BIGINT PRIMARY KEY, v BIGINT NOT NULL)").run();
    tx.query("INSERT INTO t (k, v) VALUES (1, 0), (2, 0)").run();
  });
  DbExecutor other(f.location(), one_connection);
  std::latch both_hold_a_row(2);
  CrossingBatch a{f.db(), 1, 2, both_hold_a_row};
  CrossingBatch b{other, 2, 1, both_hold_a_row};
  std::thread node_a([&] { a.run(); });
  std::thread node_b([&] { b.run(); });
  node_a.join();
  node_b.join();
  EXPECT_EQ(a.outcome, (std::vector<std::string>{"ok", "ok"}));
  EXPECT_EQ(b.outcome, (std::vector<std::string>{"ok", "ok"}));
  // Both increments of both rows are there, and the race really happened (one side ran again).
  EXPECT_EQ(count_rows(f.db(), "SELECT v FROM t WHERE k = 1"), 2);
  EXPECT_EQ(count_rows(f.db(), "SELECT v FROM t WHERE k = 2"), 2);
  EXPECT_EQ(f.db().stats().retried + other.stats().retried, 1u);
}
