#include "gatehouse/store/online_backup.hpp"

#include "gatehouse/errors.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gatehouse::store {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(std::string const& why) { throw Failure(ErrorCode::backup_failed, why); }

std::string errno_text(int error) { return std::strerror(error); }

// Whether two paths name the same file (false when either does not exist).
bool same_file(fs::path const& a, fs::path const& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

void sync_path(fs::path const& path, int flags) {
  int const fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) fail("cannot open " + path.string() + ": " + errno_text(errno));
  int const rc = ::fsync(fd);
  int const error = errno;
  ::close(fd);
  if (rc != 0) fail("cannot sync " + path.string() + ": " + errno_text(error));
}

// rename(2) that keeps an existing destination (RENAME_NOREPLACE), falling back to link+unlink
// on file systems without renameat2.
void move_into_place(fs::path const& from, fs::path const& to, bool overwrite) {
  if (overwrite) {
    if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot rename to " + to.string() + ": " + errno_text(errno));
    return;
  }
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  int error = errno;
  if (error == EINVAL || error == ENOSYS) {
    if (::link(from.c_str(), to.c_str()) == 0) {
      ::unlink(from.c_str());
      return;
    }
    error = errno;
  }
  if (error == EEXIST) throw Failure(ErrorCode::backup_destination_exists, to.string());
  fail("cannot rename to " + to.string() + ": " + errno_text(error));
}

}  // namespace

OnlineBackup::~OnlineBackup() { release(); }

void OnlineBackup::start(Tx& tx, fs::path const& destination, bool overwrite) {
  destination_ = destination;
  overwrite_ = overwrite;
  if (!destination_.is_absolute()) fail("the destination must be an absolute path");
  if (!tx.database().sqlite_handle()) {
    throw Failure(ErrorCode::backup_failed, "the online backup is for SQLite; back up PostgreSQL with pg_dump");
  }
  char const* live = sqlite3_db_filename(tx.database().sqlite_handle(), "main");
  fs::path const live_path = live ? fs::path(live) : fs::path();
  for (char const* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (!live_path.empty() && same_file(destination_, live_path.string() + suffix)) {
      fail(destination_.string() + " is the live database");
    }
  }
  std::error_code ec;
  auto const status = fs::status(destination_, ec);
  if (fs::is_directory(status)) fail(destination_.string() + " is a directory");
  if (fs::exists(status) && !overwrite_) throw Failure(ErrorCode::backup_destination_exists, destination_.string());

  std::string pattern = destination_.string() + ".tmp-XXXXXX";
  file_ = ::mkstemp(pattern.data());  // mode 0600
  if (file_ < 0) fail("cannot create a file beside " + destination_.string() + ": " + errno_text(errno));
  temporary_ = pattern;

  int const rc = sqlite3_open_v2(temporary_.c_str(), &target_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string const message = target_ ? sqlite3_errmsg(target_) : sqlite3_errstr(rc);
    release();
    fail("cannot open " + temporary_.string() + ": " + message);
  }
  // The copy is a temporary file, deleted if anything fails, and synced once at the end: no
  // journal and no fsync per step, so the last step does not hold the database thread on a
  // flush of the whole copy.
  if (sqlite3_exec(target_, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::string const message = sqlite3_errmsg(target_);
    release();
    fail("cannot prepare " + temporary_.string() + ": " + message);
  }
  backup_ = sqlite3_backup_init(target_, "main", tx.database().sqlite_handle(), "main");
  if (!backup_) {
    std::string const message = sqlite3_errmsg(target_);
    release();
    fail(message);
  }
}

bool OnlineBackup::step(Tx&, int pages) {
  if (!backup_) fail("the backup was not started");
  int const rc = sqlite3_backup_step(backup_, pages);
  pages_ = sqlite3_backup_pagecount(backup_);
  // Start writing this step's pages out now, without waiting: the fsync at the end then finds
  // little left to flush, and it runs on the database thread.
  ::sync_file_range(file_, 0, 0, SYNC_FILE_RANGE_WRITE);
  if (rc == SQLITE_DONE) return true;
  // Busy or locked: another process holds a lock on a database for a moment; the next step retries.
  if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return false;
  std::string const message = sqlite3_errstr(rc);
  fail(message);
}

BackupResult OnlineBackup::finish(Tx&) {
  if (!backup_) fail("the backup was not started");
  int const rc = sqlite3_backup_finish(backup_);
  backup_ = nullptr;
  if (rc != SQLITE_OK) fail(sqlite3_errstr(rc));
  // The copy says WAL like its source; a backup is one self-contained file instead (the server
  // switches a restored file back to WAL when it opens it).
  char* error = nullptr;
  if (sqlite3_exec(target_, "PRAGMA journal_mode = DELETE", nullptr, nullptr, &error) != SQLITE_OK) {
    std::string const message = error ? error : "journal_mode";
    sqlite3_free(error);
    fail(message);
  }
  if (sqlite3_close(target_) != SQLITE_OK) fail("cannot close " + temporary_.string());
  target_ = nullptr;
  if (::fsync(file_) != 0) fail("cannot sync " + temporary_.string() + ": " + errno_text(errno));
  ::close(file_);
  file_ = -1;
  move_into_place(temporary_, destination_, overwrite_);
  temporary_.clear();
  // The rename is durable once the directory is.
  fs::path const directory = destination_.parent_path();
  sync_path(directory.empty() ? fs::path(".") : directory, O_RDONLY | O_DIRECTORY);
  BackupResult result;
  result.path = destination_;
  std::error_code ec;
  result.bytes = fs::file_size(destination_, ec);
  result.pages = pages_;
  return result;
}

void OnlineBackup::abandon(Tx&) { release(); }

void OnlineBackup::release() {
  if (file_ >= 0) ::close(file_);
  file_ = -1;
  if (backup_) sqlite3_backup_finish(backup_);
  backup_ = nullptr;
  if (target_) sqlite3_close(target_);
  target_ = nullptr;
  if (!temporary_.empty()) {
    std::error_code ec;
    fs::remove(temporary_, ec);
    fs::remove(temporary_.string() + "-journal", ec);
    temporary_.clear();
  }
}

}  // namespace gatehouse::store
