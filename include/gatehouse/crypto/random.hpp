#pragma once
// Cryptographically secure randomness from OpenSSL's DRBG.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

// Throws std::runtime_error if the DRBG fails; callers never proceed with weak bytes.
void random_bytes(std::span<unsigned char> out);

// A public identifier: prefix followed by 2*bytes lowercase hex characters ("p_3f9a...").
std::string random_id(std::string_view prefix, std::size_t bytes = 12);

}  // namespace gatehouse::crypto
