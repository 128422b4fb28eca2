#pragma once
// A copy of the live database taken with SQLite's online backup API, some pages at a time. Each
// call runs as its own job on the database thread, so the writes queued meanwhile run between
// steps instead of waiting for the whole copy; they go through the same connection, so SQLite
// copies the pages they change into the backup too and the backup never restarts.
//
// The copy is written to a temporary file beside the destination (created 0600: it holds the
// same data as the database) and renamed into place only once complete and synced, so a
// destination path never holds half a backup.
#include "gatehouse/store/transaction.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>

struct sqlite3_backup;

namespace gatehouse::store {

struct BackupResult {
  std::filesystem::path path;
  std::uintmax_t bytes = 0;
  std::int64_t pages = 0;
};

class OnlineBackup {
 public:
  OnlineBackup() = default;
  ~OnlineBackup();  // an unfinished backup is abandoned (see abandon())
  OnlineBackup(OnlineBackup const&) = delete;
  OnlineBackup& operator=(OnlineBackup const&) = delete;

  // Creates the temporary file and starts the backup. Throws Failure: backup_destination_exists
  // (unless overwrite), backup_failed (the destination is the live database, a directory, or
  // its directory is not writable).
  void start(Tx& tx, std::filesystem::path const& destination, bool overwrite);
  // Copies up to `pages` pages; true once the copy is complete. Throws Failure(backup_failed).
  bool step(Tx& tx, int pages);
  // Syncs the copy and renames it to the destination. Throws Failure.
  BackupResult finish(Tx& tx);
  // Drops an unfinished copy and its temporary file. Safe to call at any point, more than once.
  void abandon(Tx& tx);

 private:
  void release();

  std::filesystem::path destination_;
  std::filesystem::path temporary_;
  int file_ = -1;  // the temporary file, for flushing it as it grows
  bool overwrite_ = false;
  sqlite3* target_ = nullptr;
  sqlite3_backup* backup_ = nullptr;
  std::int64_t pages_ = 0;
};

}  // namespace gatehouse::store
