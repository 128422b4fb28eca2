#include "gatehouse/auth/stream_tickets.hpp"

namespace gatehouse::auth {

std::string StreamTickets::issue(std::string const& credential_id, UnixSeconds now) {
  auto token = mint_opaque_token(stream_ticket_prefix);
  std::lock_guard lock(mutex_);
  if (tickets_.size() >= max_outstanding) {
    for (auto it = tickets_.begin(); it != tickets_.end();) it = it->second.expires_at <= now ? tickets_.erase(it) : std::next(it);
    // Still full of live tickets: an arbitrary one is dropped (a client simply asks again).
    if (tickets_.size() >= max_outstanding) tickets_.erase(tickets_.begin());
  }
  tickets_.emplace(token.hash, Entry{credential_id, now + ttl});
  return std::move(token.text);
}

std::optional<std::string> StreamTickets::redeem(std::string_view ticket, UnixSeconds now) {
  if (!has_opaque_token_shape(ticket, stream_ticket_prefix)) return std::nullopt;
  auto const hash = crypto::sha256(ticket);
  std::lock_guard lock(mutex_);
  auto it = tickets_.find(hash);
  if (it == tickets_.end()) return std::nullopt;
  Entry entry = std::move(it->second);
  tickets_.erase(it);  // single use, even when expired
  if (now >= entry.expires_at) return std::nullopt;
  return std::move(entry.credential_id);
}

void StreamTickets::hold(crypto::Sha256Digest const& hash, std::string credential_id, UnixSeconds expires_at) {
  std::lock_guard lock(mutex_);
  tickets_[hash] = Entry{std::move(credential_id), expires_at};
}

void StreamTickets::purge_expired(UnixSeconds now) {
  std::lock_guard lock(mutex_);
  for (auto it = tickets_.begin(); it != tickets_.end();) it = it->second.expires_at <= now ? tickets_.erase(it) : std::next(it);
}

}  // namespace gatehouse::auth
