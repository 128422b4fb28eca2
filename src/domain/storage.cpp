#include "gatehouse/domain/storage.hpp"

#include "gatehouse/store/change_store.hpp"
#include "gatehouse/store/readiness_store.hpp"
#include "gatehouse/util/log.hpp"

namespace gatehouse::domain {

namespace {
// 256 pages (1 MiB at SQLite's default page size) per database job: the writes queued meanwhile
// wait for one step, never for the whole copy.
constexpr int backup_pages_per_step = 256;
}  // namespace

boost::asio::awaitable<bool> Storage::writable() {
  try {
    co_await db_.write([](store::Tx& tx) { store::touch_readiness_probe(tx, now_unix()); });
    co_return true;
  } catch (std::exception const& e) {
    log::warn("readiness: database write failed", {{"error", e.what()}});
    co_return false;
  }
}

boost::asio::awaitable<std::size_t> Storage::purge_changes(UnixSeconds cutoff) {
  co_return co_await db_.write([&](store::Tx& tx) { return store::purge_changes(tx, cutoff); });
}

boost::asio::awaitable<store::BackupResult> Storage::backup(std::filesystem::path const& destination, bool overwrite) {
  store::OnlineBackup copy;
  co_await db_.read([&](store::Tx& tx) { copy.start(tx, destination, overwrite); });
  store::BackupResult result;
  std::exception_ptr failure;
  try {
    for (bool done = false; !done;) {
      done = co_await db_.read([&](store::Tx& tx) { return copy.step(tx, backup_pages_per_step); });
    }
    result = co_await db_.read([&](store::Tx& tx) { return copy.finish(tx); });
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    // The source connection is the database thread's: the copy is dropped there too.
    co_await db_.read([&](store::Tx& tx) { copy.abandon(tx); });
    std::rethrow_exception(failure);
  }
  co_return result;
}

}  // namespace gatehouse::domain
