#pragma once
// The database as a whole: whether it takes a committed write (readiness), and an online
// backup that copies a few pages per database job.
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/store/online_backup.hpp"

#include <boost/asio/awaitable.hpp>

#include "gatehouse/util/clock.hpp"

#include <filesystem>

namespace gatehouse::domain {

class Storage {
 public:
  explicit Storage(store::DbExecutor& db) : db_(db) {}

  // A committed write, not a read: a full disk, a read-only file or a stuck write lock all let
  // reads through while every sign-in fails. False (and logged) when it does not commit.
  boost::asio::awaitable<bool> writable();

  // Several nodes: forgets changes older than cutoff (every node has read them by then, or will
  // reload from the tables). Returns how many.
  boost::asio::awaitable<std::size_t> purge_changes(UnixSeconds cutoff);

  // Throws Failure: backup_destination_exists, backup_failed.
  boost::asio::awaitable<store::BackupResult> backup(std::filesystem::path const& destination, bool overwrite);

 private:
  store::DbExecutor& db_;
};

}  // namespace gatehouse::domain
