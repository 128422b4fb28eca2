#include "gatehouse/domain/sessions.hpp"

#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/crypto/random.hpp"
#include "gatehouse/errors.hpp"
#include "gatehouse/store/principal_store.hpp"
#include "gatehouse/store/refresh_store.hpp"
#include "gatehouse/store/session_store.hpp"

#include <algorithm>

namespace gatehouse::domain {

MintedSession Sessions::mint_in(store::Tx& tx, store::PrincipalRecord const& principal,
                               std::optional<std::string> const& user_agent, UnixSeconds now,
                               std::optional<std::string> family_id) {
  auto token = auth::mint_opaque_token(auth::session_token_prefix);
  store::SessionRecord record;
  record.id = crypto::time_ordered_id("s_");
  record.token_hash = token.hash;
  record.principal_id = principal.id;
  record.kind = principal.kind;
  record.created_at = now;
  record.expires_at = now + options_.ttl;
  record.user_agent = user_agent;
  record.family_id = std::move(family_id);
  store::insert_session(tx, record);
  changes_.record(tx, SessionMinted{record});
  return MintedSession{std::move(token.text), std::move(record)};
}

std::size_t Sessions::revoke_in(store::Tx& tx, std::vector<std::string> ids, UnixSeconds now, bool end_families) {
  if (end_families) {
    auto const families = store::family_ids_of_sessions(tx, ids);
    for (auto& id : store::revoke_refresh_families(tx, families, now)) ids.push_back(std::move(id));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.empty()) return 0;
  std::size_t const n = store::revoke_sessions(tx, ids, now);
  changes_.record(tx, SessionsRevoked{std::move(ids)});
  return n;
}

boost::asio::awaitable<MintedSession> Sessions::mint_for_user(auth::JwtClaims const& claims,
                                                              std::optional<std::string> user_agent) {
  co_return co_await db_.write([&](store::Tx& tx) {
    UnixSeconds const now = now_unix();
    auto const principal = store::upsert_user_principal(tx, claims.sub, claims.email, claims.name, now);
    return mint_in(tx, principal, user_agent, now);
  });
}

boost::asio::awaitable<MintedSession> Sessions::mint_anonymous(std::string const& device_id,
                                                               std::optional<std::string> user_agent) {
  co_return co_await db_.write([&](store::Tx& tx) {
    UnixSeconds const now = now_unix();
    auto const principal = store::upsert_anonymous_principal(tx, device_id, now);
    return mint_in(tx, principal, user_agent, now);
  });
}

std::vector<auth::SessionPtr> Sessions::live_of(std::string const& principal_id, UnixSeconds now) const {
  auto sessions = registry_.of_principal(principal_id);
  std::erase_if(sessions, [now](auth::SessionPtr const& x) { return !x->live(now); });
  std::sort(sessions.begin(), sessions.end(), [](auto const& a, auto const& b) {
    return a->created_at != b->created_at ? a->created_at < b->created_at : a->id < b->id;
  });
  return sessions;
}

boost::asio::awaitable<std::size_t> Sessions::revoke(std::vector<std::string> ids) {
  if (ids.empty()) co_return 0;
  co_return co_await db_.write([&](store::Tx& tx) { return revoke_in(tx, ids, now_unix(), true); });
}

boost::asio::awaitable<void> Sessions::revoke_one(std::string const& principal_id, std::string const& session_id,
                                                  UnixSeconds now) {
  auto const target = registry_.find_by_id(session_id);
  // Another principal's session is indistinguishable from a missing one.
  if (!target || target->principal_id != principal_id || !target->live(now)) throw Failure(ErrorCode::session_not_found);
  std::vector<std::string> ids{target->id};
  co_await revoke(std::move(ids));
}

boost::asio::awaitable<std::size_t> Sessions::revoke_all(std::string const& principal_id,
                                                         std::optional<std::string> keep, UnixSeconds now) {
  co_return co_await db_.write([&](store::Tx& tx) {
    auto ids = store::live_session_ids(tx, principal_id, now);
    auto families = store::live_family_ids(tx, principal_id, now);
    if (keep) {
      std::erase(ids, *keep);
      for (auto const& kept_family : store::family_ids_of_sessions(tx, {*keep})) std::erase(families, kept_family);
    }
    for (auto& id : store::revoke_refresh_families(tx, families, now)) {
      if (!keep || id != *keep) ids.push_back(std::move(id));
    }
    return revoke_in(tx, std::move(ids), now, false);
  });
}

boost::asio::awaitable<bool> Sessions::load(crypto::Sha256Digest const& token_hash) {
  auto record = co_await db_.read([&](store::Tx& tx) { return store::find_session_by_token_hash(tx, token_hash); });
  if (!record) co_return false;
  registry_.add(*record);
  co_return true;
}

boost::asio::awaitable<std::size_t> Sessions::purge(UnixSeconds cutoff) {
  co_return co_await db_.write([&](store::Tx& tx) {
    auto ids = store::purge_sessions(tx, cutoff);
    std::size_t const n = ids.size();
    if (n > 0) changes_.record(tx, SessionsPurged{std::move(ids)});
    return n;
  });
}

boost::asio::awaitable<std::vector<SessionView>> Sessions::list_stored(std::optional<std::string> principal_id,
                                                                       std::size_t limit) {
  auto records = co_await db_.read([&](store::Tx& tx) { return store::list_sessions(tx, principal_id, limit); });
  std::vector<SessionView> out;
  out.reserve(records.size());
  for (auto& r : records) {
    SessionView view{std::move(r), std::nullopt};
    // Memory is ahead of the table for what is written behind: stream extensions, last use.
    if (auto const live = registry_.find_by_id(view.record.id)) {
      view.record.expires_at = std::max(view.record.expires_at, live->expires_at.load());
      if (UnixSeconds const seen = live->last_seen.load(std::memory_order_relaxed); seen != 0) view.last_seen = seen;
    }
    out.push_back(std::move(view));
  }
  co_return out;
}

}  // namespace gatehouse::domain
