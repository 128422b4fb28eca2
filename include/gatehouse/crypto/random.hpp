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

// A public identifier that sorts by creation: prefix, 12 hex characters of the Unix time in
// milliseconds, then 12 random hex characters (48 bits), 24 in all like random_id's default.
// Rows keyed by it are appended at the end of their b-tree instead of at a random page, which
// is what bounds the rate of durable inserts (docs/benchmarks.md).
std::string time_ordered_id(std::string_view prefix);

}  // namespace gatehouse::crypto
