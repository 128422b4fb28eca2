#include "gatehouse/auth/api_key_registry.hpp"

#include <algorithm>

namespace gatehouse::auth {

void ApiKeyRegistry::add(store::ApiKeyRecord const& r) {
  if (ApiKeyPtr existing = find_by_id(r.id)) {
    if (!r.active) existing->active = false;
    return;
  }
  auto key = std::make_shared<ApiKey>();
  key->id = r.id;
  key->user_id = r.user_id;
  key->name = r.name;
  key->scopes = Scopes::from_bits(r.scopes);
  key->hash = r.key_hash;
  key->tail = r.tail;
  key->created_at = r.created_at;
  key->expires_at = r.expires_at;
  key->active = r.active;
  key->last_used_at = r.last_used_at.value_or(0);
  std::unique_lock lock(mutex_);
  if (by_id_.contains(key->id)) return;  // added meanwhile by another thread
  by_hash_[key->hash] = key;
  by_id_[key->id] = key;
  by_user_.emplace(key->user_id, key);
}

ApiKeyPtr ApiKeyRegistry::find_by_hash(crypto::Sha256Digest const& hash) const {
  std::shared_lock lock(mutex_);
  auto it = by_hash_.find(hash);
  return it == by_hash_.end() ? nullptr : it->second;
}

ApiKeyPtr ApiKeyRegistry::find_by_id(std::string const& id) const {
  std::shared_lock lock(mutex_);
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<ApiKeyPtr> ApiKeyRegistry::of_user(std::string const& user_id) const {
  std::vector<ApiKeyPtr> out;
  {
    std::shared_lock lock(mutex_);
    auto [first, last] = by_user_.equal_range(user_id);
    for (auto it = first; it != last; ++it) out.push_back(it->second);
  }
  std::sort(out.begin(), out.end(), [](auto const& a, auto const& b) {
    return a->created_at != b->created_at ? a->created_at < b->created_at : a->id < b->id;
  });
  return out;
}

ApiKeyPtr ApiKeyRegistry::deactivate(std::string const& id) {
  ApiKeyPtr key = find_by_id(id);
  if (!key || !key->active.exchange(false)) return nullptr;
  return key;
}

std::size_t ApiKeyRegistry::active_count(std::string const& user_id, UnixSeconds now) const {
  std::shared_lock lock(mutex_);
  auto [first, last] = by_user_.equal_range(user_id);
  return static_cast<std::size_t>(std::count_if(first, last, [now](auto const& e) { return e.second->usable(now); }));
}

}  // namespace gatehouse::auth
