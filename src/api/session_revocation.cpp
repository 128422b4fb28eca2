#include "gatehouse/api/services.hpp"
#include "gatehouse/store/session_store.hpp"

namespace gatehouse::api {

boost::asio::awaitable<std::size_t> revoke_sessions(Services& s, std::vector<std::string> ids) {
  if (ids.empty()) co_return 0;
  co_return co_await s.db.write([&](store::Tx& tx) {
    std::size_t const n = store::revoke_sessions(tx, ids, now_unix());
    tx.on_commit([&registry = s.sessions, ids] { registry.revoke(ids); });
    return n;
  });
}

}  // namespace gatehouse::api
