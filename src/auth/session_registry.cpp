#include "gatehouse/auth/session_registry.hpp"

namespace gatehouse::auth {

namespace {
void raise_to(std::atomic<UnixSeconds>& value, UnixSeconds target) {
  UnixSeconds current = value.load();
  while (current < target && !value.compare_exchange_weak(current, target)) {
  }
}
}  // namespace

void SessionRegistry::add(store::SessionRecord const& record) {
  if (SessionPtr existing = find_by_id(record.id)) {
    raise_to(existing->expires_at, record.expires_at);
    if (record.revoked_at) existing->revoked = true;
    return;
  }
  auto session = std::make_shared<Session>();
  session->id = record.id;
  session->token_hash = record.token_hash;
  session->principal_id = record.principal_id;
  session->kind = record.kind;
  session->created_at = record.created_at;
  session->user_agent = record.user_agent;
  session->family_id = record.family_id;
  session->expires_at = record.expires_at;
  session->revoked = record.revoked_at.has_value();

  std::unique_lock lock(mutex_);
  if (by_id_.contains(session->id)) return;  // added meanwhile by another thread
  by_hash_[session->token_hash] = session;
  by_id_[session->id] = session;
  by_principal_.emplace(session->principal_id, session);
}

void SessionRegistry::extend(std::string const& id, UnixSeconds expires_at) {
  if (SessionPtr session = find_by_id(id); session && !session->revoked.load()) raise_to(session->expires_at, expires_at);
}

SessionPtr SessionRegistry::find_by_token_hash(crypto::Sha256Digest const& hash) const {
  std::shared_lock lock(mutex_);
  auto it = by_hash_.find(hash);
  return it == by_hash_.end() ? nullptr : it->second;
}

SessionPtr SessionRegistry::find_by_id(std::string const& id) const {
  std::shared_lock lock(mutex_);
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<SessionPtr> SessionRegistry::of_principal(std::string const& principal_id) const {
  std::shared_lock lock(mutex_);
  std::vector<SessionPtr> out;
  auto [first, last] = by_principal_.equal_range(principal_id);
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

std::vector<SessionPtr> SessionRegistry::revoke(std::vector<std::string> const& ids) {
  std::vector<SessionPtr> newly_revoked;
  {
    std::shared_lock lock(mutex_);
    for (auto const& id : ids) {
      auto it = by_id_.find(id);
      if (it != by_id_.end() && !it->second->revoked.exchange(true)) newly_revoked.push_back(it->second);
    }
  }
  return newly_revoked;
}

void SessionRegistry::erase(std::vector<std::string> const& ids) {
  std::unique_lock lock(mutex_);
  for (auto const& id : ids) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) continue;
    SessionPtr const session = it->second;
    by_id_.erase(it);
    by_hash_.erase(session->token_hash);
    auto [first, last] = by_principal_.equal_range(session->principal_id);
    for (auto p = first; p != last; ++p) {
      if (p->second == session) {
        by_principal_.erase(p);
        break;
      }
    }
  }
}

std::size_t SessionRegistry::size() const {
  std::shared_lock lock(mutex_);
  return by_id_.size();
}

}  // namespace gatehouse::auth
