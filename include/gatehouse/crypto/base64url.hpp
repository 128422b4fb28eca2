#pragma once
// base64url without padding (RFC 4648 §5, RFC 7515 §2). Decoding is strict: only the URL-safe
// alphabet, no padding, no whitespace, and non-canonical trailing bits are rejected, so one
// string has exactly one decoding and two parsers cannot disagree.
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

std::string base64url_encode(std::string_view bytes);

std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace gatehouse::crypto
