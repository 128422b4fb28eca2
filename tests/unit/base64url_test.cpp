// base64url (RFC 4648 §5) as JWTs use it: unpadded, URL-safe, and strict on decode so that one
// text has exactly one meaning.
#include "gatehouse/crypto/base64url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using gatehouse::crypto::base64url_decode;
using gatehouse::crypto::base64url_encode;

TEST(Base64Url, RoundTripsEveryLengthRemainder) {
  for (std::string const input : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto const decoded = base64url_decode(base64url_encode(input));
    ASSERT_TRUE(decoded.has_value()) << input;
    EXPECT_EQ(*decoded, input);
  }
}

TEST(Base64Url, RoundTripsAllByteValues) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  auto const encoded = base64url_encode(bytes);
  EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(base64url_decode(encoded), bytes);
}

TEST(Base64Url, EncodesWithUrlAlphabetAndNoPadding) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
}

TEST(Base64Url, DecodeRejectsPadding) {
  EXPECT_FALSE(base64url_decode("Zg=="));
  EXPECT_FALSE(base64url_decode("Zm8="));
  EXPECT_TRUE(base64url_decode("Zm8"));
}

TEST(Base64Url, DecodeRejectsStandardAlphabetPlus) { EXPECT_FALSE(base64url_decode("-_8+")); }

TEST(Base64Url, DecodeRejectsStandardAlphabetSlash) { EXPECT_FALSE(base64url_decode("-_8/")); }

TEST(Base64Url, DecodeRejectsWhitespace) {
  EXPECT_FALSE(base64url_decode(" Zm8"));
  EXPECT_FALSE(base64url_decode("Zm8 "));
  EXPECT_FALSE(base64url_decode("Zm\n8"));
  EXPECT_FALSE(base64url_decode("Zm\t8"));
}

TEST(Base64Url, DecodeRejectsLengthOneModFour) {
  EXPECT_FALSE(base64url_decode("Z"));
  EXPECT_FALSE(base64url_decode("Zm9vY"));
}

TEST(Base64Url, DecodeRejectsNonCanonicalTrailingBits) {
  // "QQ" is the canonical encoding of "A"; "QR" has a non-zero bit in the unused tail.
  EXPECT_EQ(base64url_decode("QQ"), std::string("A"));
  EXPECT_FALSE(base64url_decode("QR"));
  // Same rule for the three-character form: "QUE" is "AA", "QUF" is not canonical.
  EXPECT_EQ(base64url_decode("QUE"), std::string("AA"));
  EXPECT_FALSE(base64url_decode("QUF"));
}

TEST(Base64Url, DecodeRejectsNulAndHighBytes) {
  EXPECT_FALSE(base64url_decode(std::string("Zm8\0", 4)));
  EXPECT_FALSE(base64url_decode("Zm\xc3\xa9"));
}

}  // namespace
