#pragma once
#include "gatehouse/store/records.hpp"
#include "gatehouse/store/transaction.hpp"

#include <vector>

namespace gatehouse::store {

void insert_session(Tx& tx, SessionRecord const& session);

// The session of a token hash (live or not), with its principal's kind: how a node finds a
// session another node minted before the change reached it.
std::optional<SessionRecord> find_session_by_token_hash(Tx& tx, crypto::Sha256Digest const& hash);

// Every session not yet purged (live, expired or revoked), with its principal's kind: the
// in-memory registry is rebuilt from this at start.
std::vector<SessionRecord> load_sessions(Tx& tx);

// Marks the given sessions revoked (those not revoked already). Returns how many changed.
std::size_t revoke_sessions(Tx& tx, std::vector<std::string> const& ids, UnixSeconds now);

// Ids of the principal's live (unexpired, unrevoked) sessions.
std::vector<std::string> live_session_ids(Tx& tx, std::string const& principal_id, UnixSeconds now);

// Sessions not yet purged (live, expired or revoked), newest first, at most `limit`; only the
// principal's when given. Token hashes are left out: nothing that lists sessions needs them.
std::vector<SessionRecord> list_sessions(Tx& tx, std::optional<std::string> const& principal_id, std::size_t limit);

void extend_session(Tx& tx, std::string const& id, UnixSeconds expires_at);

// Deletes sessions that expired or were revoked before `cutoff`; returns their ids.
std::vector<std::string> purge_sessions(Tx& tx, UnixSeconds cutoff);

}  // namespace gatehouse::store
