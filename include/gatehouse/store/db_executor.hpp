#pragma once
// The database threads. All database work runs here, never on a network thread: coroutines
// co_await read()/write() and are resumed on their own executor when the work is done. SQLite
// has one thread; PostgreSQL one per connection (DatabaseOptions::connections), which take
// batches from one queue.
// Writes are group-committed: the writes waiting at one moment run in one BEGIN IMMEDIATE
// transaction, each inside its own SAVEPOINT (so one failing write rolls back alone), and are
// acknowledged only after the COMMIT is durable. One fsync then covers many requests.
// On PostgreSQL, several nodes' group commits can lock the same rows in different orders; a
// job that loses such a race (deadlock victim) runs again after its batch, alone.
#include "gatehouse/store/transaction.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>

namespace gatehouse::store {

struct DbExecutorStats {
  std::uint64_t commits = 0;
  std::uint64_t writes = 0;
  std::uint64_t reads = 0;
  std::uint64_t retried = 0;  // writes that lost a race to another node's transaction and ran again alone
  std::size_t queued = 0;     // jobs waiting now
};

class DbExecutor {
 public:
  using Work = std::function<void(Tx&)>;

  // Opens the database and applies pending migrations before the thread starts; throws
  // DbError or std::runtime_error with a one-line reason when it cannot.
  DbExecutor(DatabaseLocation const& location, DatabaseOptions const& options);
  ~DbExecutor();  // finishes queued work, then joins the threads
  DbExecutor(DbExecutor const&) = delete;
  DbExecutor& operator=(DbExecutor const&) = delete;

  template <typename F>
  boost::asio::awaitable<std::invoke_result_t<F&, Tx&>> write(F f) {
    return submit<F>(std::move(f), true);
  }
  template <typename F>
  boost::asio::awaitable<std::invoke_result_t<F&, Tx&>> read(F f) {
    return submit<F>(std::move(f), false);
  }

  // For threads that are not network threads (start-up, admin commands, tests).
  void write_blocking(Work work) { run_blocking(std::move(work), true); }
  void read_blocking(Work work) { run_blocking(std::move(work), false); }

  DbExecutorStats stats() const;
  int schema_version() const { return schema_version_; }
  Engine engine() const { return engine_; }

  // Stops taking work; queued work still runs. Idempotent.
  void stop();

 private:
  struct Job {
    Work work;
    bool write;
    std::exception_ptr* error;
    std::function<void()> done;  // resumes the waiting coroutine or thread
    std::chrono::steady_clock::time_point queued{};  // for the job-duration histogram
  };

  template <typename F>
  boost::asio::awaitable<std::invoke_result_t<F&, Tx&>> submit(F f, bool is_write) {
    using R = std::invoke_result_t<F&, Tx&>;
    if constexpr (std::is_void_v<R>) {
      co_await run(Work([&f](Tx& tx) { f(tx); }), is_write);
    } else {
      std::optional<R> result;
      co_await run(Work([&f, &result](Tx& tx) { result.emplace(f(tx)); }), is_write);
      co_return std::move(*result);
    }
  }

  boost::asio::awaitable<void> run(Work work, bool is_write);
  void run_blocking(Work work, bool is_write);
  void enqueue(Job job);
  void thread_main(Database& db);
  // may_retry: jobs that lose a race are run again, each alone (which may not retry again).
  void run_writes(Database& db, std::vector<Job>& jobs, bool may_retry = true);
  void run_read(Database& db, Job& job);

  std::vector<std::unique_ptr<Database>> dbs_;  // one per thread; SQLite has one
  Engine engine_ = Engine::sqlite;
  int schema_version_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  DbExecutorStats stats_;
  std::vector<std::thread> threads_;
};

}  // namespace gatehouse::store
