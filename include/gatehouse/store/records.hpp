#pragma once
// Rows as the store hands them out. Plain data: no SQL, no HTTP.
#include "gatehouse/crypto/sha256.hpp"
#include "gatehouse/util/clock.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::store {

enum class PrincipalKind { user, anonymous };

std::string_view to_string(PrincipalKind kind);

struct PrincipalRecord {
  std::string id;
  PrincipalKind kind = PrincipalKind::anonymous;
  std::optional<std::string> clerk_user_id;
  std::optional<std::string> device_id;
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::string plan = "free";
  std::string plan_status = "active";
  std::optional<UnixSeconds> current_period_end;
  UnixSeconds created_at = 0;
};

struct SessionRecord {
  std::string id;
  crypto::Sha256Digest token_hash{};
  std::string principal_id;
  PrincipalKind kind = PrincipalKind::anonymous;
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;
  std::optional<UnixSeconds> revoked_at;
  std::optional<std::string> user_agent;
  std::optional<std::string> family_id;  // the refresh family it was minted in, if any
};

enum class ResearchStatus { running, done };
std::string_view to_string(ResearchStatus status);

struct ResearchRecord {
  std::string id;
  std::string owner_id;
  std::string title;
  ResearchStatus status = ResearchStatus::running;
  std::int64_t last_seq = 0;
  UnixSeconds created_at = 0;
};

struct EventRecord {
  std::string research_id;
  std::int64_t seq = 0;
  std::string event;
  std::string data_json;  // the event's data, serialized once
  UnixSeconds created_at = 0;
};

struct SecretStatus {
  std::string name;
  UnixSeconds updated_at = 0;
};

}  // namespace gatehouse::store
