#include "gatehouse/domain/api_keys.hpp"

#include "gatehouse/auth/api_key_format.hpp"
#include "gatehouse/crypto/random.hpp"
#include "gatehouse/errors.hpp"
#include "gatehouse/store/api_key_store.hpp"

namespace gatehouse::domain {

boost::asio::awaitable<MintedApiKey> ApiKeys::create(std::string const& user_id, std::string const& name,
                                                     auth::Scopes scopes, std::optional<std::int64_t> lifetime,
                                                     UnixSeconds now) {
  if (registry_.active_count(user_id, now) >= options_.max_active_per_user) {
    throw Failure(ErrorCode::invalid_body,
                  "at most " + std::to_string(options_.max_active_per_user) + " active API keys per user");
  }
  auto minted = auth::mint_api_key(options_.prefix);
  store::ApiKeyRecord record;
  record.id = crypto::random_id("k_");
  record.user_id = user_id;
  record.name = name;
  record.scopes = scopes.bits();
  record.key_hash = minted.hash;
  record.tail = minted.tail;
  record.created_at = now;
  if (lifetime) record.expires_at = record.created_at + *lifetime;
  co_await db_.write([&](store::Tx& tx) {
    store::insert_api_key(tx, record);
    changes_.record(tx, ApiKeyCreated{record});
  });
  co_return MintedApiKey{std::move(minted.text), std::move(record)};
}

boost::asio::awaitable<bool> ApiKeys::load(crypto::Sha256Digest const& key_hash) {
  auto record = co_await db_.read([&](store::Tx& tx) { return store::find_api_key_by_hash(tx, key_hash); });
  if (!record) co_return false;
  registry_.add(*record);
  co_return true;
}

boost::asio::awaitable<void> ApiKeys::revoke(std::string const& user_id, std::string const& key_id) {
  auto const key = registry_.find_by_id(key_id);
  // Another user's key is indistinguishable from a missing one.
  if (!key || key->user_id != user_id) throw Failure(ErrorCode::api_key_not_found);
  co_await db_.write([&](store::Tx& tx) {
    if (store::deactivate_api_key(tx, key_id, user_id, now_unix())) changes_.record(tx, ApiKeyRevoked{key_id});
  });
}

}  // namespace gatehouse::domain
