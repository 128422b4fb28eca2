#include "gatehouse/domain/devices.hpp"

#include "gatehouse/store/principal_store.hpp"

namespace gatehouse::domain {

boost::asio::awaitable<Rebound> Devices::rebind(std::string const& device_id, RebindClaimant const& claimant) {
  co_return co_await db_.write([&](store::Tx& tx) {
    UnixSeconds const now = now_unix();
    std::string user_id;
    if (auto const* id = std::get_if<std::string>(&claimant)) {
      user_id = *id;
    } else {
      auto const& claims = std::get<auth::JwtClaims>(claimant);
      user_id = store::upsert_user_principal(tx, claims.sub, claims.email, claims.name, now).id;
    }
    auto result = store::rebind_device(tx, device_id, user_id, now);
    if (!result.revoked_session_ids.empty()) {
      changes_.record(tx, SessionsRevoked{std::move(result.revoked_session_ids)});
    }
    return Rebound{result.outcome, result.moved, std::move(user_id)};
  });
}

}  // namespace gatehouse::domain
