#pragma once
// Refresh families and their tokens as rows (schema/*/0006_refresh_families.sql). The rotation
// rules live in judge_refresh: which of the contract's outcomes a presented token gets. Callers
// (domain::RefreshFamilies) make the writes that outcome asks for in the same transaction.
#include "gatehouse/crypto/sha256.hpp"
#include "gatehouse/store/transaction.hpp"
#include "gatehouse/util/clock.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::store {

struct RefreshFamilyRecord {
  std::string id;
  std::string principal_id;
  std::string origin;  // "login", "oauth" or "cli"
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;  // absolute: rotation never extends it
  std::optional<UnixSeconds> revoked_at;
};

struct RefreshTokenRecord {
  crypto::Sha256Digest token_hash{};
  std::string family_id;
  std::string session_id;  // the session minted with it
  UnixSeconds issued_at = 0;
  std::optional<UnixSeconds> consumed_at;    // presented once: its successor was issued
  std::optional<UnixSeconds> superseded_at;  // an unused successor replaced by a retry
  std::optional<crypto::Sha256Digest> successor_hash;
};

void insert_refresh_family(Tx& tx, RefreshFamilyRecord const& family);
void insert_refresh_token(Tx& tx, RefreshTokenRecord const& token);

enum class RefreshVerdict {
  unknown,  // no such token, or its family has ended (revoked)
  expired,  // the family's absolute lifetime is over
  rotate,   // the family's newest token, presented for the first time
  retry,    // consumed, and its successor not presented yet: replace the successor
  reuse,    // consumed with its successor presented, or a superseded successor: theft
};

struct RefreshJudgement {
  RefreshVerdict verdict = RefreshVerdict::unknown;
  std::optional<RefreshFamilyRecord> family;
  std::optional<RefreshTokenRecord> presented;
  std::optional<RefreshTokenRecord> successor;  // retry: the unused successor to supersede
};

// Reads the presented token's state under its family's row lock (PostgreSQL: SELECT ... FOR
// UPDATE, so that two refreshes of one family on two nodes run one after the other and the
// second sees what the first wrote; SQLite's write transaction already serialises them).
RefreshJudgement judge_refresh(Tx& tx, crypto::Sha256Digest const& presented, UnixSeconds now);

// The presented token is consumed (if it was not yet) and `successor` becomes its successor.
void record_successor(Tx& tx, crypto::Sha256Digest const& presented, crypto::Sha256Digest const& successor,
                      UnixSeconds now);
void supersede_refresh_token(Tx& tx, crypto::Sha256Digest const& token, UnixSeconds now);

// Ends the families (those not ended already); returns the ids of their sessions that are still
// live, for the caller to revoke with them.
std::vector<std::string> revoke_refresh_families(Tx& tx, std::vector<std::string> const& family_ids, UnixSeconds now);
// The live families of a principal, and the families the given sessions were minted in.
std::vector<std::string> live_family_ids(Tx& tx, std::string const& principal_id, UnixSeconds now);
std::vector<std::string> family_ids_of_sessions(Tx& tx, std::vector<std::string> const& session_ids);

// Forgets families that expired or were revoked before cutoff (their tokens go with them).
std::size_t purge_refresh_families(Tx& tx, UnixSeconds cutoff);

}  // namespace gatehouse::store
