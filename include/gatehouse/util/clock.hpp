#pragma once
// Wall-clock time as the service sees it: whole Unix seconds, formatted as RFC 3339 UTC.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

using UnixSeconds = std::int64_t;

UnixSeconds now_unix();

// "2026-11-22T15:04:05Z"
std::string rfc3339(UnixSeconds t);

// An RFC 3339 date-time ("2026-11-22T15:04:05Z", "...05.250+02:00"; fractions are dropped);
// nullopt when it is not one.
std::optional<UnixSeconds> parse_rfc3339(std::string_view text);

}  // namespace gatehouse
