#pragma once
#include <array>
#include <string_view>

namespace gatehouse::crypto {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);

}  // namespace gatehouse::crypto
