#pragma once
// The session lifecycle: minting (for a Clerk user or an anonymous device), revocation (logout,
// "sign out other devices", operators) and purging. Each write states its change; the
// registry, and through it the streams, follow when it commits. Extensions by streams go
// through auth::SessionExtender (memory at once, the database in one batch a second).
#include "gatehouse/auth/jwt_verifier.hpp"
#include "gatehouse/auth/session_registry.hpp"
#include "gatehouse/domain/change_applier.hpp"
#include "gatehouse/store/db_executor.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::domain {

struct SessionOptions {
  UnixSeconds ttl = 1800;
};

struct MintedSession {
  std::string token;  // handed to the client once, never stored
  store::SessionRecord record;
};

// A stored session as an operator sees it, with what memory knows ahead of the table (stream
// extensions, last use).
struct SessionView {
  store::SessionRecord record;
  std::optional<UnixSeconds> last_seen;
};

class Sessions {
 public:
  Sessions(store::DbExecutor& db, ChangeApplier& changes, auth::SessionRegistry& registry, SessionOptions options)
      : db_(db), changes_(changes), registry_(registry), options_(options) {}

  UnixSeconds ttl() const { return options_.ttl; }

  // The user principal is created or updated from the claims (email, name) in the same write.
  boost::asio::awaitable<MintedSession> mint_for_user(auth::JwtClaims const& claims,
                                                      std::optional<std::string> user_agent);
  // One anonymous principal per device, created on first sight.
  boost::asio::awaitable<MintedSession> mint_anonymous(std::string const& device_id,
                                                       std::optional<std::string> user_agent);

  // Inside a caller's write (a refresh family's sign-in or rotation): a new session for the
  // principal, in the given refresh family or none.
  MintedSession mint_in(store::Tx& tx, store::PrincipalRecord const& principal,
                        std::optional<std::string> const& user_agent, UnixSeconds now,
                        std::optional<std::string> family_id = std::nullopt);
  // Inside a caller's write: revokes the sessions; with end_families, also the refresh families
  // they were minted in and every live session of those (a revoked session whose family lived
  // on would sign its client straight back in). Returns how many sessions it revoked.
  std::size_t revoke_in(store::Tx& tx, std::vector<std::string> ids, UnixSeconds now, bool end_families);

  // The principal's live sessions, oldest first (from memory).
  std::vector<auth::SessionPtr> live_of(std::string const& principal_id, UnixSeconds now) const;

  // Revokes the given sessions and the refresh families they were minted in; returns how many
  // sessions were live and are revoked now.
  boost::asio::awaitable<std::size_t> revoke(std::vector<std::string> ids);
  // One of the principal's live sessions. Throws Failure(session_not_found) for anything else.
  boost::asio::awaitable<void> revoke_one(std::string const& principal_id, std::string const& session_id,
                                          UnixSeconds now);
  // Every live session of the principal but `keep` (none kept when nullopt), as the database
  // knows them (with several nodes, memory may not have heard of one minted a moment ago), and
  // every live refresh family of the principal but the one `keep` was minted in.
  boost::asio::awaitable<std::size_t> revoke_all(std::string const& principal_id, std::optional<std::string> keep,
                                                 UnixSeconds now);

  // Forgets sessions that expired or were revoked before cutoff; returns how many.
  boost::asio::awaitable<std::size_t> purge(UnixSeconds cutoff);

  // Operators: stored sessions (live, expired or revoked), newest first.
  boost::asio::awaitable<std::vector<SessionView>> list_stored(std::optional<std::string> principal_id,
                                                               std::size_t limit);
  // Operators: one session by id, live or not (nullptr when unknown).
  auth::SessionPtr find(std::string const& session_id) const { return registry_.find_by_id(session_id); }

  // Several nodes: brings a session minted elsewhere into memory; false when there is none.
  boost::asio::awaitable<bool> load(crypto::Sha256Digest const& token_hash);

 private:
  store::DbExecutor& db_;
  ChangeApplier& changes_;
  auth::SessionRegistry& registry_;
  SessionOptions options_;
};

}  // namespace gatehouse::domain
