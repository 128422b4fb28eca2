#pragma once
// Timestamps that change far more often than they need to reach the disk (a session's expiry
// extended by its streams, an API key's last use): the newest value per row id is kept here and
// written in one transaction per interval, however many rows changed how many times.
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/util/clock.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gatehouse::store {

class WriteBehind {
 public:
  using Batch = std::unordered_map<std::string, UnixSeconds>;
  using Writer = std::function<void(Tx&, Batch const&)>;

  // what: names the rows in log lines ("session extensions").
  WriteBehind(DbExecutor& db, std::string what, Writer writer)
      : db_(db), what_(std::move(what)), writer_(std::move(writer)) {}

  // Never moves a pending value backwards.
  void note(std::string const& id, UnixSeconds value);

  // Writes what is pending every second until stopping.
  boost::asio::awaitable<void> run(std::atomic<bool> const& stopping);
  // Writes what is pending now; a failed batch is kept for the next try.
  boost::asio::awaitable<void> flush();
  // The same from a thread that is not a network thread (shutdown, after the network stopped).
  void flush_blocking();

 private:
  DbExecutor& db_;
  std::string what_;
  Writer writer_;
  std::mutex mutex_;
  Batch pending_;

  Batch take_pending();
  void restore_pending(Batch const& batch);
};

}  // namespace gatehouse::store
