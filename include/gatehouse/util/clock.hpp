#pragma once
// Wall-clock time as the service sees it: whole Unix seconds, formatted as RFC 3339 UTC.
#include <cstdint>
#include <string>

namespace gatehouse {

using UnixSeconds = std::int64_t;

UnixSeconds now_unix();

// "2026-11-22T15:04:05Z"
std::string rfc3339(UnixSeconds t);

}  // namespace gatehouse
