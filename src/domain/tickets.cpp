#include "gatehouse/domain/tickets.hpp"

#include "gatehouse/store/ticket_store.hpp"

namespace gatehouse::domain {

boost::asio::awaitable<std::string> Tickets::issue(std::string const& credential_id, UnixSeconds now) {
  if (!shared_) co_return memory_.issue(credential_id, now);
  auto ticket = auth::mint_opaque_token(auth::stream_ticket_prefix);
  co_await db_.write([&](store::Tx& tx) {
    store::insert_stream_ticket(tx, ticket.hash, credential_id, now + auth::StreamTickets::ttl);
  });
  co_return std::move(ticket.text);
}

boost::asio::awaitable<bool> Tickets::load(crypto::Sha256Digest const& ticket_hash) {
  auto taken = co_await db_.write([&](store::Tx& tx) { return store::take_stream_ticket(tx, ticket_hash); });
  if (!taken) co_return false;
  memory_.hold(ticket_hash, std::move(taken->credential_id), taken->expires_at);
  co_return true;
}

boost::asio::awaitable<void> Tickets::purge(UnixSeconds now) {
  memory_.purge_expired(now);
  if (shared_) co_await db_.write([&](store::Tx& tx) { store::purge_stream_tickets(tx, now); });
}

}  // namespace gatehouse::domain
