#pragma once
// Applies the other nodes' changes (and every node's events) on this node: its own PostgreSQL
// connection LISTENs on the changes channel and, on each notification (and every quarter of a second
// regardless), reads the changes table after the last seq it applied, in seq order, through the
// same ChangeApplier as this node's own commits.
//
// Reading the table rather than the notifications is what makes it safe: a node that lost its
// connection reconnects (with backoff) and reads what it missed. Sequence numbers are taken
// when a row is inserted, not when its transaction commits, so a later row can be visible before
// an earlier one: the tailer applies what it sees, remembers what it applied above the first
// hole, and reads from the hole again until it fills (or, after a while, counts it as a
// transaction that rolled back). Changes that depend on each other commit in order (a
// revocation after the mint it revokes, an event after the one before it in its item), so
// applying out of seq order never applies an effect before its cause.
#include "gatehouse/domain/change_applier.hpp"
#include "gatehouse/store/database.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace gatehouse::domain {

struct ChangeTailerOptions {
  std::chrono::milliseconds poll{250};        // read even without a notification this often
  std::chrono::seconds hole_timeout{30};      // a hole this old is a rolled-back transaction
  std::chrono::milliseconds max_backoff{5000};
};

class ChangeTailer {
 public:
  // start_after: the last seq whose effects memory already holds (see store::tail_start).
  // on_lost_history: called when the changes this node missed were already purged: memory must be
  // reloaded from the tables and streams resynchronised by the caller.
  ChangeTailer(store::DatabaseLocation location, ChangeApplier& applier, std::int64_t start_after,
               std::function<void()> on_lost_history, ChangeTailerOptions options = {});
  ~ChangeTailer();  // stops and joins

  void start();
  void stop();

  bool connected() const { return connected_.load(); }
  std::int64_t applied_through() const { return contiguous_.load(); }

 private:
  void run();
  void read_and_apply(store::Database& db);

  store::DatabaseLocation location_;
  ChangeApplier& applier_;
  std::function<void()> on_lost_history_;
  ChangeTailerOptions options_;
  std::atomic<std::int64_t> contiguous_;            // every seq up to here is applied (or a dead hole)
  std::set<std::int64_t> applied_above_;            // applied seqs above contiguous_ (tailer thread only)
  std::optional<std::chrono::steady_clock::time_point> hole_seen_;  // when the current hole was first seen
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  std::thread thread_;
};

}  // namespace gatehouse::domain
