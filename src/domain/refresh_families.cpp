#include "gatehouse/domain/refresh_families.hpp"

#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/crypto/random.hpp"
#include "gatehouse/errors.hpp"
#include "gatehouse/store/principal_store.hpp"
#include "gatehouse/store/refresh_store.hpp"
#include "gatehouse/util/log.hpp"

#include <variant>

namespace gatehouse::domain {

namespace {

// What a refresh's write decided. Reuse is a refusal whose revocation must commit, so the write
// returns it instead of throwing (a throw would roll the revocation back).
struct Refused {
  store::RefreshVerdict verdict;
  std::string principal_id;
  std::string family_id;
};
using Outcome = std::variant<SignedIn, Refused>;

}  // namespace

SignedIn RefreshFamilies::issue(store::Tx& tx, store::PrincipalRecord const& principal, std::string const& family_id,
                                std::optional<std::string> const& user_agent, UnixSeconds now) {
  auto session = sessions_.mint_in(tx, principal, user_agent, now, family_id);
  auto token = auth::mint_opaque_token(auth::refresh_token_prefix);
  store::RefreshTokenRecord row;
  row.token_hash = token.hash;
  row.family_id = family_id;
  row.session_id = session.record.id;
  row.issued_at = now;
  store::insert_refresh_token(tx, row);
  return SignedIn{std::move(session), std::move(token.text), family_id};
}

SignedIn RefreshFamilies::start(store::Tx& tx, store::PrincipalRecord const& principal, std::string_view origin,
                                std::optional<std::string> const& user_agent, UnixSeconds now) {
  store::RefreshFamilyRecord family;
  family.id = crypto::time_ordered_id("rf_");
  family.principal_id = principal.id;
  family.origin = std::string(origin);
  family.created_at = now;
  family.expires_at = now + options_.ttl;
  store::insert_refresh_family(tx, family);
  return issue(tx, principal, family.id, user_agent, now);
}

boost::asio::awaitable<SignedIn> RefreshFamilies::refresh(std::string_view presented,
                                                          std::optional<std::string> user_agent) {
  // A string that cannot be one of ours costs no database work.
  if (!auth::has_opaque_token_shape(presented, auth::refresh_token_prefix)) {
    throw Failure(ErrorCode::invalid_token, "unknown refresh token");
  }
  crypto::Sha256Digest const hash = crypto::sha256(presented);
  Outcome outcome = co_await db_.write([&](store::Tx& tx) -> Outcome {
    UnixSeconds const now = now_unix();
    auto const judged = store::judge_refresh(tx, hash, now);
    using V = store::RefreshVerdict;
    if (judged.verdict == V::unknown || judged.verdict == V::expired) return Refused{judged.verdict, {}, {}};
    auto const& family = *judged.family;
    if (judged.verdict == V::reuse) {
      auto sessions = store::revoke_refresh_families(tx, {family.id}, now);
      sessions_.revoke_in(tx, std::move(sessions), now, false);
      return Refused{V::reuse, family.principal_id, family.id};
    }
    auto const principal = store::find_principal(tx, family.principal_id);
    if (!principal) return Refused{V::unknown, {}, {}};  // the schema's foreign key makes this unreachable
    if (judged.verdict == V::retry) {
      // The client never got (or lost) the successor: it and its session go, a fresh pair comes.
      store::supersede_refresh_token(tx, judged.successor->token_hash, now);
      sessions_.revoke_in(tx, {judged.successor->session_id}, now, false);
    }
    SignedIn next = issue(tx, *principal, family.id, user_agent, now);
    store::record_successor(tx, hash, crypto::sha256(next.refresh_token), now);
    return next;
  });
  if (auto* refused = std::get_if<Refused>(&outcome)) {
    if (refused->verdict == store::RefreshVerdict::expired) {
      throw Failure(ErrorCode::invalid_token, "refresh token expired");
    }
    if (refused->verdict == store::RefreshVerdict::reuse) {
      log::warn("refresh token reuse detected: family revoked",
                {{"principal_id", refused->principal_id}, {"family_id", refused->family_id}});
      throw Failure(ErrorCode::invalid_token, "refresh token reuse detected");
    }
    throw Failure(ErrorCode::invalid_token, "unknown refresh token");
  }
  co_return std::get<SignedIn>(std::move(outcome));
}

boost::asio::awaitable<std::size_t> RefreshFamilies::purge(UnixSeconds cutoff) {
  co_return co_await db_.write([&](store::Tx& tx) { return store::purge_refresh_families(tx, cutoff); });
}

}  // namespace gatehouse::domain
