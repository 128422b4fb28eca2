#include "gatehouse/domain/change_tailer.hpp"

#include "gatehouse/store/change_store.hpp"
#include "gatehouse/util/log.hpp"

namespace gatehouse::domain {

namespace {
constexpr std::size_t page = 1000;
}  // namespace

ChangeTailer::ChangeTailer(store::DatabaseLocation location, ChangeApplier& applier, std::int64_t start_after,
                           std::function<void()> on_lost_history, ChangeTailerOptions options)
    : location_(std::move(location)),
      applier_(applier),
      on_lost_history_(std::move(on_lost_history)),
      options_(options),
      contiguous_(start_after) {}

ChangeTailer::~ChangeTailer() { stop(); }

void ChangeTailer::start() {
  thread_ = std::thread([this] { run(); });
}

void ChangeTailer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void ChangeTailer::read_and_apply(store::Database& db) {
  for (;;) {
    std::vector<store::ChangeRow> rows;
    db.begin(false);
    {
      store::Tx tx(db);
      rows = store::changes_after(tx, contiguous_.load(), page);
    }
    db.exec("COMMIT");
    for (auto const& row : rows) {
      if (applied_above_.contains(row.seq)) continue;
      auto change = decode(row.body);
      bool const own = row.node_id == applier_.node_id();
      // This node applied its own changes as they committed, except its events, which every
      // node delivers from here so that they go out in one order.
      if (change && (!own || std::holds_alternative<EventCommitted>(*change))) applier_.apply(*change);
      if (!change) log::warn("skipped a change this node cannot read", {{"seq", row.seq}, {"node", row.node_id}});
      applied_above_.insert(row.seq);
    }
    // Advance over what is applied; stop at a hole until it fills or times out.
    std::int64_t contiguous = contiguous_.load();
    for (;;) {
      if (applied_above_.erase(contiguous + 1) > 0) {
        ++contiguous;
        hole_seen_.reset();
        continue;
      }
      if (applied_above_.empty()) break;
      auto const now = std::chrono::steady_clock::now();
      if (!hole_seen_) hole_seen_ = now;
      if (now - *hole_seen_ < options_.hole_timeout) break;
      ++contiguous;  // a sequence number its transaction never committed
      hole_seen_.reset();
    }
    contiguous_ = contiguous;
    if (rows.size() < page) return;
  }
}

void ChangeTailer::run() {
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_) {
    try {
      store::DatabaseOptions options;
      options.application_name = "gatehouse-feed " + applier_.node_id();
      auto db = store::open_database(location_, options);
      db->listen(store::changes_channel);
      // What was purged while this node was away cannot be read: memory must start again.
      {
        db->begin(false);
        std::int64_t oldest = 0;
        {
          store::Tx tx(*db);
          oldest = store::oldest_change(tx);
        }
        db->exec("COMMIT");
        if (oldest > contiguous_.load() + 1 && contiguous_.load() > 0 && on_lost_history_) {
          log::warn("changes missed while away were purged: reloading", {{"applied_through", contiguous_.load()},
                                                                         {"oldest_kept", oldest}});
          on_lost_history_();
          contiguous_ = oldest - 1;
          applied_above_.clear();
        }
      }
      if (!connected_.exchange(true)) log::info("changes feed connected", {{"applied_through", contiguous_.load()}});
      backoff = std::chrono::milliseconds(100);
      while (!stopping_) {
        read_and_apply(*db);
        db->wait_for_notification(options_.poll);
      }
    } catch (std::exception const& e) {
      if (connected_.exchange(false)) log::warn("changes feed lost", {{"error", e.what()}});
      auto const until = std::chrono::steady_clock::now() + backoff;
      while (!stopping_ && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

}  // namespace gatehouse::domain
