#pragma once
#include <string_view>

namespace gatehouse::crypto {

// Compares two secrets without leaking the position of the first difference.
// The length is not secret (all our secrets have fixed public formats).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace gatehouse::crypto
