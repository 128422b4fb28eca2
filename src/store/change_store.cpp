#include "gatehouse/store/change_store.hpp"

namespace gatehouse::store {

void append_change(Tx& tx, std::string const& node_id, std::string const& body, UnixSeconds now, bool urgent) {
  tx.query("INSERT INTO changes (node_id, body, created_at) VALUES (?1, ?2, ?3)").bind_all(node_id, body, now).run();
  if (urgent) tx.notify_other_nodes();
}

std::vector<ChangeRow> changes_after(Tx& tx, std::int64_t after_seq, std::size_t limit) {
  auto q = tx.query("SELECT seq, node_id, body FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  q.bind_all(after_seq, static_cast<std::int64_t>(limit));
  std::vector<ChangeRow> out;
  while (q.next()) out.push_back(ChangeRow{q.int64(0), q.text(1), q.text(2)});
  return out;
}

std::int64_t tail_start(Tx& tx, UnixSeconds now, UnixSeconds window) {
  auto q = tx.query("SELECT coalesce(max(seq), 0) FROM changes WHERE created_at < ?1");
  q.bind(1, now - window);
  return q.next() ? q.int64(0) : 0;
}

std::int64_t oldest_change(Tx& tx) {
  auto q = tx.query("SELECT coalesce(min(seq), 0) FROM changes");
  return q.next() ? q.int64(0) : 0;
}

std::size_t purge_changes(Tx& tx, UnixSeconds cutoff) {
  tx.query("DELETE FROM changes WHERE created_at < ?1").bind(1, cutoff).run();
  return static_cast<std::size_t>(tx.changes());
}

}  // namespace gatehouse::store
