#include "gatehouse/store/research_store.hpp"

#include "gatehouse/crypto/random.hpp"

namespace gatehouse::store {

namespace {

ResearchRecord read_research(Query const& q) {
  ResearchRecord r;
  r.id = q.text(0);
  r.owner_id = q.text(1);
  r.title = q.text(2);
  r.status = q.text(3) == "done" ? ResearchStatus::done : ResearchStatus::running;
  r.last_seq = q.int64(4);
  r.created_at = q.int64(5);
  return r;
}

}  // namespace

ResearchRecord create_research(Tx& tx, std::string const& owner_id, std::string const& title, UnixSeconds now) {
  ResearchRecord r;
  r.id = crypto::random_id("r_");
  r.owner_id = owner_id;
  r.title = title;
  r.created_at = now;
  tx.query(
        "INSERT INTO research (id, owner_id, title, status, last_seq, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, 'running', 0, ?4, ?4)")
      .bind_all(r.id, r.owner_id, r.title, now)
      .run();
  return r;
}

std::vector<ResearchRecord> list_research(Tx& tx, std::string const& owner_id) {
  auto q = tx.query(
      "SELECT id, owner_id, title, status, last_seq, created_at FROM research "
      "WHERE owner_id = ?1 ORDER BY created_at, rowid",
      "SELECT id, owner_id, title, status, last_seq, created_at FROM research "
      "WHERE owner_id = ?1 ORDER BY created_at, ord");
  q.bind(1, owner_id);
  std::vector<ResearchRecord> out;
  while (q.next()) out.push_back(read_research(q));
  return out;
}

std::optional<ResearchRecord> find_research(Tx& tx, std::string const& id, std::string const& owner_id) {
  auto q = tx.query(
      "SELECT id, owner_id, title, status, last_seq, created_at FROM research WHERE id = ?1 AND owner_id = ?2");
  q.bind_all(id, owner_id);
  if (!q.next()) return std::nullopt;
  return read_research(q);
}

std::variant<EventRecord, AppendRefusal> append_event(Tx& tx, std::string const& research_id,
                                                      std::string const& owner_id, std::string const& event,
                                                      std::string const& data_json, UnixSeconds now) {
  // The next seq is taken by the update, which holds the item's row until the commit: writers
  // on other nodes (PostgreSQL) wait for it, so seqs are dense and in commit order.
  std::optional<std::int64_t> seq;
  {
    auto q = tx.query(
        "UPDATE research SET last_seq = last_seq + 1, updated_at = ?3, "
        "status = CASE WHEN ?4 = 'done' THEN 'done' ELSE status END "
        "WHERE id = ?1 AND owner_id = ?2 AND status = 'running' RETURNING last_seq");
    q.bind_all(research_id, owner_id, now, event);
    if (q.next()) seq = q.int64(0);
  }
  if (!seq) return find_research(tx, research_id, owner_id) ? AppendRefusal::finished : AppendRefusal::not_found;

  EventRecord e{research_id, *seq, event, data_json, now};
  tx.query("INSERT INTO research_events (research_id, seq, event, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind_all(e.research_id, e.seq, e.event, e.data_json, now)
      .run();
  return e;
}

std::vector<EventRecord> events_after(Tx& tx, std::string const& research_id, std::int64_t after_seq,
                                      std::size_t limit) {
  auto q = tx.query(
      "SELECT seq, event, data, created_at FROM research_events "
      "WHERE research_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  q.bind_all(research_id, after_seq, static_cast<std::int64_t>(limit));
  std::vector<EventRecord> out;
  while (q.next()) out.push_back(EventRecord{research_id, q.int64(0), q.text(1), q.text(2), q.int64(3)});
  return out;
}

}  // namespace gatehouse::store
