// Opaque bearer secrets: a recognisable prefix, 256 random bits in base64url, known by hash only.
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/crypto/base64url.hpp"
#include "gatehouse/crypto/sha256.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using gatehouse::auth::has_opaque_token_shape;
using gatehouse::auth::mint_opaque_token;
using gatehouse::auth::session_token_prefix;
using gatehouse::auth::stream_ticket_prefix;

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

TEST(OpaqueToken, StartsWithItsPrefixFollowedBy43Base64urlCharacters) {
  for (auto prefix : {session_token_prefix, stream_ticket_prefix}) {
    auto const token = mint_opaque_token(prefix);
    ASSERT_TRUE(token.text.starts_with(prefix)) << token.text;
    std::string const body = token.text.substr(prefix.size());
    EXPECT_EQ(body.size(), 43u) << token.text;
    for (char c : body) EXPECT_TRUE(is_base64url(c)) << token.text;
  }
}

TEST(OpaqueToken, CarriesTwoHundredFiftySixRandomBits) {
  auto const token = mint_opaque_token(session_token_prefix);
  auto const raw = gatehouse::crypto::base64url_decode(token.text.substr(session_token_prefix.size()));
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 32u);
}

TEST(OpaqueToken, HashIsTheSha256OfTheWholeText) {
  auto const token = mint_opaque_token(session_token_prefix);
  EXPECT_EQ(token.hash, gatehouse::crypto::sha256(token.text));
}

TEST(OpaqueToken, EveryMintedTokenIsDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(mint_opaque_token(session_token_prefix).text);
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(OpaqueTokenShape, AcceptsAMintedToken) {
  EXPECT_TRUE(has_opaque_token_shape(mint_opaque_token(session_token_prefix).text, session_token_prefix));
  EXPECT_TRUE(has_opaque_token_shape("gs_" + std::string(43, '-'), session_token_prefix));
  EXPECT_TRUE(has_opaque_token_shape("gs_" + std::string(43, '_'), session_token_prefix));
}

TEST(OpaqueTokenShape, RejectsAnotherPrefix) {
  auto const ticket = mint_opaque_token(stream_ticket_prefix).text;
  EXPECT_FALSE(has_opaque_token_shape(ticket, session_token_prefix));
  EXPECT_FALSE(has_opaque_token_shape("xx_" + std::string(43, 'A'), session_token_prefix));
  EXPECT_FALSE(has_opaque_token_shape("GS_" + std::string(43, 'A'), session_token_prefix));
  EXPECT_FALSE(has_opaque_token_shape(std::string(46, 'A'), session_token_prefix));
}

TEST(OpaqueTokenShape, RejectsAWrongLength) {
  EXPECT_FALSE(has_opaque_token_shape("gs_" + std::string(42, 'A'), session_token_prefix));
  EXPECT_FALSE(has_opaque_token_shape("gs_" + std::string(44, 'A'), session_token_prefix));
  EXPECT_FALSE(has_opaque_token_shape("gs_", session_token_prefix));
  EXPECT_FALSE(has_opaque_token_shape("", session_token_prefix));
}

TEST(OpaqueTokenShape, RejectsCharactersOutsideBase64url) {
  for (char c : std::string("+/=. \t%\"\0\x80", 11)) {
    std::string token = "gs_" + std::string(43, 'A');
    token[20] = c;
    EXPECT_FALSE(has_opaque_token_shape(token, session_token_prefix)) << static_cast<int>(c);
  }
}

}  // namespace
