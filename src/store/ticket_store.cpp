#include "gatehouse/store/ticket_store.hpp"

namespace gatehouse::store {

void insert_stream_ticket(Tx& tx, crypto::Sha256Digest const& hash, std::string const& credential_id,
                          UnixSeconds expires_at) {
  tx.query("INSERT INTO stream_tickets (ticket_hash, credential_id, expires_at) VALUES (?1, ?2, ?3)")
      .bind_blob(1, std::span<unsigned char const>(hash))
      .bind(2, credential_id)
      .bind(3, expires_at)
      .run();
}

std::optional<TakenTicket> take_stream_ticket(Tx& tx, crypto::Sha256Digest const& hash) {
  auto q = tx.query("DELETE FROM stream_tickets WHERE ticket_hash = ?1 RETURNING credential_id, expires_at");
  q.bind_blob(1, std::span<unsigned char const>(hash));
  if (!q.next()) return std::nullopt;
  TakenTicket taken{q.text(0), q.int64(1)};
  q.run();  // to the end of the statement
  return taken;
}

std::size_t purge_stream_tickets(Tx& tx, UnixSeconds now) {
  tx.query("DELETE FROM stream_tickets WHERE expires_at <= ?1").bind(1, now).run();
  return static_cast<std::size_t>(tx.changes());
}

}  // namespace gatehouse::store
