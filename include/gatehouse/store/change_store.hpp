#pragma once
// The changes table: what the nodes tell each other (see schema/postgresql/0005_changes.sql).
#include "gatehouse/store/transaction.hpp"
#include "gatehouse/util/clock.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace gatehouse::store {

inline constexpr std::string_view changes_channel = "gatehouse_changes";

struct ChangeRow {
  std::int64_t seq = 0;
  std::string node_id;
  std::string body;
};

// Adds a change; an urgent one also wakes the listening nodes when the transaction commits. The
// others are read at the nodes' next poll (a NOTIFY serialises every committing transaction of
// the cluster on PostgreSQL's notification queue, so it is kept for what must arrive at once).
void append_change(Tx& tx, std::string const& node_id, std::string const& body, UnixSeconds now, bool urgent);

// Rows after `after_seq`, in seq order, at most `limit`.
std::vector<ChangeRow> changes_after(Tx& tx, std::int64_t after_seq, std::size_t limit);

// The seq a node starting now tails from: the last one older than `window` seconds (0 when
// none), so that the changes of transactions still committing are read again, not missed.
std::int64_t tail_start(Tx& tx, UnixSeconds now, UnixSeconds window);

// The smallest seq still kept (0 for an empty table): below it, rows were purged.
std::int64_t oldest_change(Tx& tx);

// Deletes rows older than cutoff; returns how many.
std::size_t purge_changes(Tx& tx, UnixSeconds cutoff);

}  // namespace gatehouse::store
