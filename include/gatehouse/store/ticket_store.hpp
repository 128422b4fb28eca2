#pragma once
// Stream tickets shared by every node (the stream_tickets table): stored by hash, taken once.
#include "gatehouse/crypto/sha256.hpp"
#include "gatehouse/store/transaction.hpp"
#include "gatehouse/util/clock.hpp"

#include <optional>
#include <string>

namespace gatehouse::store {

void insert_stream_ticket(Tx& tx, crypto::Sha256Digest const& hash, std::string const& credential_id,
                          UnixSeconds expires_at);

struct TakenTicket {
  std::string credential_id;
  UnixSeconds expires_at = 0;
};
// Deletes the ticket and returns what it was bound to; nullopt when unknown or already taken.
std::optional<TakenTicket> take_stream_ticket(Tx& tx, crypto::Sha256Digest const& hash);

std::size_t purge_stream_tickets(Tx& tx, UnixSeconds now);

}  // namespace gatehouse::store
