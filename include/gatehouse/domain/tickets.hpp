#pragma once
// Stream tickets: single-use, 30 seconds, bound to the credential that asked. On one node they
// live in memory only; with several nodes they go to the stream_tickets table, so that the node
// a browser's stream reaches can take the ticket another node issued, once.
#include "gatehouse/auth/stream_tickets.hpp"
#include "gatehouse/store/db_executor.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace gatehouse::domain {

class Tickets {
 public:
  Tickets(store::DbExecutor& db, auth::StreamTickets& memory, bool shared) : db_(db), memory_(memory), shared_(shared) {}

  boost::asio::awaitable<std::string> issue(std::string const& credential_id, UnixSeconds now);

  // Several nodes: takes the ticket from the table into memory for its redemption; false when
  // it is unknown or already taken.
  boost::asio::awaitable<bool> load(crypto::Sha256Digest const& ticket_hash);

  // Forgets expired tickets (memory, and the table with several nodes).
  boost::asio::awaitable<void> purge(UnixSeconds now);

 private:
  store::DbExecutor& db_;
  auth::StreamTickets& memory_;
  bool shared_;
};

}  // namespace gatehouse::domain
