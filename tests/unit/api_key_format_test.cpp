// The API key format: prefix, 256 random bits in base62, a CRC-32 checksum that refuses a
// mistyped key before any lookup; and the scope names.
#include "gatehouse/auth/api_key_format.hpp"
#include "gatehouse/auth/scopes.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using namespace gatehouse::auth;

bool all_base62(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

TEST(ApiKeyFormat, AMintedKeyIsPrefixRandomBodyAndChecksum) {
  auto const key = mint_api_key("gk_");
  ASSERT_EQ(key.text.size(), 3u + 43 + 6);
  EXPECT_TRUE(key.text.starts_with("gk_"));
  EXPECT_TRUE(all_base62(key.text.substr(3)));
  EXPECT_EQ(key.tail, key.text.substr(key.text.size() - 4));
  EXPECT_EQ(key.hash, gatehouse::crypto::sha256(key.text));
  EXPECT_EQ(check_api_key_shape(key.text), ApiKeyShape::ok);
}

TEST(ApiKeyFormat, KeysDoNotRepeatAndUseEveryCharacter) {
  std::set<std::string> keys;
  std::set<char> seen;
  for (int i = 0; i < 2000; ++i) {
    auto const key = mint_api_key("gk_");
    keys.insert(key.text);
    for (char c : key.text.substr(3, 43)) seen.insert(c);
  }
  EXPECT_EQ(keys.size(), 2000u);
  EXPECT_EQ(seen.size(), 62u);  // 86,000 draws: every base62 character turns up
}

TEST(ApiKeyFormat, TheChecksumIsZlibsCrc32InBase62) {
  // Pinned: keys already issued must stay valid, and scanners compute the same value
  // (python3 -c "import zlib; print(zlib.crc32(b'gk_' + b'A' * 43))", then base62, 6 digits).
  EXPECT_EQ(check_api_key_shape("gk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0o6gws"), ApiKeyShape::ok);
  EXPECT_EQ(check_api_key_shape("gk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0o6gwt"), ApiKeyShape::bad_checksum);
}

TEST(ApiKeyFormat, AnyChangedCharacterBreaksTheChecksum) {
  std::string const key = mint_api_key("gk_").text;
  for (std::size_t i = 3; i < key.size(); ++i) {
    std::string changed = key;
    changed[i] = changed[i] == 'a' ? 'b' : 'a';
    EXPECT_EQ(check_api_key_shape(changed), ApiKeyShape::bad_checksum) << "position " << i;
  }
}

TEST(ApiKeyFormat, MalformedKeysAreRefusedByShape) {
  std::string const key = mint_api_key("gk_").text;
  EXPECT_EQ(check_api_key_shape(""), ApiKeyShape::malformed);
  EXPECT_EQ(check_api_key_shape(key.substr(0, key.size() - 1)), ApiKeyShape::malformed);
  EXPECT_EQ(check_api_key_shape(key.substr(3)), ApiKeyShape::malformed);        // no prefix
  EXPECT_EQ(check_api_key_shape("GK_" + key.substr(3)), ApiKeyShape::malformed);  // not a valid prefix
  std::string with_symbol = key;
  with_symbol[10] = '-';
  EXPECT_EQ(check_api_key_shape(with_symbol), ApiKeyShape::malformed);
  EXPECT_EQ(check_api_key_shape(key + " "), ApiKeyShape::malformed);
}

TEST(ApiKeyFormat, AnotherValidPrefixIsStillAKey) {
  auto const key = mint_api_key("acme_live_");
  EXPECT_TRUE(key.text.starts_with("acme_live_"));
  EXPECT_EQ(check_api_key_shape(key.text), ApiKeyShape::ok);
}

TEST(ApiKeyFormat, PrefixRules) {
  for (std::string_view ok : {"gk_", "ab_", "acme_live_", "k1_", "abcdefghijklmno_"}) EXPECT_TRUE(valid_api_key_prefix(ok)) << ok;
  for (std::string_view bad : {"", "_", "gk", "GK_", "g-k_", "gs_", "gt_", "abcdefghijklmnop_", "gk_ "}) {
    EXPECT_FALSE(valid_api_key_prefix(bad)) << bad;
  }
}

TEST(Scopes, NamesRoundTripInTableOrder) {
  for (std::string_view name : {"research.read", "research.write", "secrets.write", "sessions.read"}) {
    auto const scope = parse_scope(name);
    ASSERT_TRUE(scope) << name;
    EXPECT_EQ(to_string(*scope), name);
  }
  EXPECT_FALSE(parse_scope("admin"));
  EXPECT_FALSE(parse_scope("Research.Read"));
  Scopes s;
  s.add(Scope::sessions_read);
  s.add(Scope::research_read);
  EXPECT_EQ(s.names(), (std::vector<std::string_view>{"research.read", "sessions.read"}));
  EXPECT_TRUE(s.has(Scope::research_read));
  EXPECT_FALSE(s.has(Scope::research_write));
  EXPECT_EQ(Scopes::all().names().size(), 4u);
  EXPECT_EQ(Scopes::from_bits(s.bits()).names(), s.names());
}

}  // namespace
