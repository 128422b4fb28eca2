#include "gatehouse/store/db_executor.hpp"

#include "gatehouse/metrics/instruments.hpp"
#include "gatehouse/store/change_store.hpp"
#include "gatehouse/store/migrations.hpp"
#include "gatehouse/util/log.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <future>

namespace gatehouse::store {

namespace {
constexpr std::size_t max_batch = 512;

// What a handler waited: the queue, the work and, for a write, the commit it shared.
void record_duration(metrics::Histogram& histogram, std::chrono::steady_clock::time_point queued) {
  histogram.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - queued).count());
}
}  // namespace

DbExecutor::DbExecutor(DatabaseLocation const& location, DatabaseOptions const& options) {
  dbs_.push_back(open_database(location, options));
  engine_ = dbs_.front()->engine();
  schema_version_ = apply_migrations(*dbs_.front());
  // SQLite has one writer at a time: more connections would only wait on its lock. PostgreSQL
  // commits several transactions at once, and each group commit spends most of its time
  // waiting on round trips: more connections overlap them.
  std::size_t const connections = engine_ == Engine::sqlite ? 1 : std::max<std::size_t>(1, options.connections);
  while (dbs_.size() < connections) dbs_.push_back(open_database(location, options));
  for (auto& db : dbs_) threads_.emplace_back([this, &db = *db] { thread_main(db); });
}

DbExecutor::~DbExecutor() {
  stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void DbExecutor::stop() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
}

DbExecutorStats DbExecutor::stats() const {
  std::lock_guard lock(mutex_);
  DbExecutorStats stats = stats_;
  stats.queued = queue_.size();
  return stats;
}

boost::asio::awaitable<void> DbExecutor::run(Work work, bool is_write) {
  std::exception_ptr error;
  co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void()>(
      [&](auto handler) {
        auto executor = boost::asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        enqueue(Job{std::move(work), is_write, &error, [shared, executor] {
                      boost::asio::post(executor, [shared] { (*shared)(); });
                    }});
      },
      boost::asio::use_awaitable);
  if (error) std::rethrow_exception(error);
}

void DbExecutor::run_blocking(Work work, bool is_write) {
  std::exception_ptr error;
  std::promise<void> finished;
  enqueue(Job{std::move(work), is_write, &error, [&finished] { finished.set_value(); }});
  finished.get_future().wait();
  if (error) std::rethrow_exception(error);
}

void DbExecutor::enqueue(Job job) {
  job.queued = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (stopping_) {
    // Shutting down: the work is refused as "unavailable", never silently dropped.
    *job.error = std::make_exception_ptr(DbError(true, "database is shutting down"));
    job.done();
    return;
  }
  queue_.push_back(std::move(job));
  wake_.notify_one();
}

void DbExecutor::thread_main(Database& db) {
  std::vector<Job> writes;
  for (;;) {
    std::deque<Job> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // Order is kept within a batch: consecutive writes commit together, a read runs after the
    // writes before it. Between connections there is no order: work that depends on other work
    // is submitted after that work completed.
    for (auto& job : batch) {
      if (job.write) {
        writes.push_back(std::move(job));
        continue;
      }
      run_writes(db, writes);
      run_read(db, job);
    }
    run_writes(db, writes);
  }
}

namespace {
bool lost_race(std::exception_ptr const& error) {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (DbError const& e) {
    return e.lost_race();
  } catch (...) {
    return false;
  }
}
}  // namespace

void DbExecutor::run_writes(Database& db, std::vector<Job>& jobs, bool may_retry) {
  if (jobs.empty()) return;
  std::vector<std::function<void()>> hooks;
  std::vector<Job*> succeeded;
  // A job alone in its transaction needs no savepoint: if it fails, the transaction rolls back
  // with nothing else in it. Between jobs, the transaction-control statements go together in
  // one exec ("RELEASE job; SAVEPOINT job"): on PostgreSQL each exec is a round trip.
  bool const isolate = jobs.size() > 1;
  bool began = false;
  try {
    if (!db.ensure_connected()) throw DbError(true, "database unreachable");
    db.exec(std::string(db.begin_statement(true)) + (isolate ? "; SAVEPOINT job" : ""));
    began = true;
  } catch (...) {
    for (auto& job : jobs) *job.error = std::current_exception();
  }
  if (!began) {
    // Completed only once this thread has left the handler: a completion resumes the caller on
    // another thread, which rethrows the same exception object, and this thread's hold on it
    // (released at the end of the handler) must be gone by then, as everywhere else here.
    for (auto& job : jobs) job.done();
    jobs.clear();
    return;
  }
  bool batch_broken = false;
  bool notify = false;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    Job& job = jobs[k];
    if (batch_broken) {
      *job.error = std::make_exception_ptr(DbError(true, "database transaction aborted"));
      continue;
    }
    bool const last = k + 1 == jobs.size();
    Tx tx(db);
    bool ok = false;
    try {
      job.work(tx);
      ok = true;
    } catch (...) {
      *job.error = std::current_exception();
    }
    if (ok) {
      for (auto& hook : tx.hooks()) hooks.push_back(std::move(hook));
      notify = notify || tx.notifies();
      succeeded.push_back(&job);
    }
    if (!isolate) {
      batch_broken = !ok;  // nothing else to keep: the transaction rolls back below
      continue;
    }
    // The last savepoint is released with the commit, below.
    std::string const control = ok ? (last ? "" : "RELEASE job; SAVEPOINT job")
                                   : (last ? "ROLLBACK TO job" : "ROLLBACK TO job; RELEASE job; SAVEPOINT job");
    try {
      if (!control.empty()) db.exec(control);
    } catch (...) {
      batch_broken = true;  // cannot isolate this job's changes: the whole batch rolls back
    }
  }
  bool committed = false;
  if (!batch_broken) {
    std::string finish = isolate ? "RELEASE job; " : "";
    if (notify) {
      if (auto const n = db.notify_statement(changes_channel); !n.empty()) finish += n + "; ";
    }
    try {
      db.exec(finish + "COMMIT");
      committed = true;
    } catch (std::exception const& e) {
      log::warn("database commit failed", {{"error", e.what()}});
    }
  }
  if (!committed) {
    try {
      db.exec("ROLLBACK");
    } catch (...) {
    }
    for (Job* job : succeeded) *job->error = std::make_exception_ptr(DbError(true, "commit failed"));
  } else {
    for (auto& hook : hooks) {
      try {
        hook();
      } catch (std::exception const& e) {
        log::error("post-commit hook failed", {{"error", e.what()}});
      }
    }
  }
  // A deadlock victim's savepoint rolled back and the batch went on; once the batch has committed
  // (and released the locks the other transaction waited for), the victim runs again alone.
  // Alone it holds only its own locks, so it waits for the other node instead of deadlocking.
  std::vector<Job> again;
  std::vector<Job*> finished;
  for (auto& job : jobs) {
    if (may_retry && isolate && lost_race(*job.error)) {
      *job.error = nullptr;
      again.push_back(std::move(job));
    } else {
      finished.push_back(&job);
    }
  }
  {
    std::lock_guard lock(mutex_);
    stats_.commits += committed ? 1 : 0;
    stats_.writes += finished.size();
    stats_.retried += again.size();
  }
  if (!again.empty()) metrics::instruments().db_write_retries.inc(again.size());
  for (Job* job : finished) {
    record_duration(metrics::instruments().db_write_duration, job->queued);
    job->done();
  }
  jobs.clear();
  for (auto& job : again) {
    std::vector<Job> alone;
    alone.push_back(std::move(job));
    run_writes(db, alone, false);
  }
}

void DbExecutor::run_read(Database& db, Job& job) {
  Tx tx(db);
  try {
    if (!db.ensure_connected()) throw DbError(true, "database unreachable");
    db.begin(false);
    job.work(tx);
    db.exec("COMMIT");
  } catch (...) {
    *job.error = std::current_exception();
    try {
      db.exec("ROLLBACK");
    } catch (...) {
    }
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.reads;
  }
  record_duration(metrics::instruments().db_read_duration, job.queued);
  job.done();
}

}  // namespace gatehouse::store
