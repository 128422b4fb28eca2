// Which keys of a JWKS document gatehouse will verify with, and which documents it refuses.
#include "gatehouse/auth/jwks.hpp"
#include "gatehouse/auth/jwt.hpp"
#include "gatehouse/auth/jwt_signer.hpp"
#include "gatehouse/auth/jwt_verifier.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <variant>

namespace {

using namespace gatehouse::auth;
using gatehouse::UnixSeconds;

constexpr UnixSeconds now = 1'700'000'000;

JwtSigner const& key_a() {
  static JwtSigner const s = JwtSigner::generate();
  return s;
}

JwtSigner const& key_b() {
  static JwtSigner const s = JwtSigner::generate();
  return s;
}

std::string document(std::initializer_list<boost::json::object> keys) {
  boost::json::array array;
  for (auto const& k : keys) array.push_back(k);
  return boost::json::serialize(boost::json::object{{"keys", std::move(array)}});
}

Jwks parse_ok(std::string const& json) {
  auto parsed = Jwks::parse(json);
  if (auto const* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << "unexpected JWKS error: " << *error;
    return {};
  }
  return std::get<Jwks>(std::move(parsed));
}

std::string parse_error(std::string_view json) {
  auto parsed = Jwks::parse(json);
  if (auto const* error = std::get_if<std::string>(&parsed)) return *error;
  ADD_FAILURE() << "JWKS unexpectedly parsed";
  return {};
}

JwtStatus verify(std::string const& token, Jwks const& jwks) {
  auto const parsed = parse_jwt(token);
  if (auto const* status = std::get_if<JwtStatus>(&parsed)) return *status;
  return verify_jwt(std::get<Jwt>(parsed), jwks, {}, now).status;
}

std::string token_from(JwtSigner const& signer) {
  return signer.sign({{"sub", "user_2abc"}, {"iat", now}, {"exp", now + 300}});
}

TEST(Jwks, RsaSigningKeyIsUsableByKid) {
  auto const jwks = parse_ok(key_a().jwks_json());
  EXPECT_EQ(jwks.size(), 1u);
  EXPECT_NE(jwks.find(key_a().kid()), nullptr);
  EXPECT_EQ(jwks.find("no-such-kid"), nullptr);
  EXPECT_EQ(verify(token_from(key_a()), jwks), JwtStatus::ok);
}

TEST(Jwks, KeyWithoutUseOrAlgIsUsable) {
  auto jwk = key_a().jwk();
  jwk.erase("use");
  jwk.erase("alg");
  EXPECT_NE(parse_ok(document({jwk})).find(key_a().kid()), nullptr);
}

TEST(Jwks, NonRsaKeysAreSkipped) {
  boost::json::object const ec{{"kty", "EC"},
                               {"kid", "ec-1"},
                               {"crv", "P-256"},
                               {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                               {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};
  boost::json::object const oct{{"kty", "oct"}, {"kid", "hmac-1"}, {"k", "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ"}};
  auto const jwks = parse_ok(document({ec, oct, key_a().jwk()}));
  EXPECT_EQ(jwks.size(), 1u);
  EXPECT_EQ(jwks.find("ec-1"), nullptr);
  EXPECT_EQ(jwks.find("hmac-1"), nullptr);
  EXPECT_NE(jwks.find(key_a().kid()), nullptr);
}

TEST(Jwks, EncryptionKeysAreSkipped) {
  auto jwk = key_a().jwk();
  jwk["use"] = "enc";
  EXPECT_EQ(parse_ok(document({jwk})).size(), 0u);
}

TEST(Jwks, KeysForAnotherAlgorithmAreSkipped) {
  for (auto const* alg : {"RS512", "PS256", "HS256", "none"}) {
    auto jwk = key_a().jwk();
    jwk["alg"] = alg;
    EXPECT_EQ(parse_ok(document({jwk})).size(), 0u) << alg;
  }
}

TEST(Jwks, KeysWithoutKidAreSkipped) {
  auto missing = key_a().jwk();
  missing.erase("kid");
  auto empty = key_a().jwk();
  empty["kid"] = "";
  auto number = key_a().jwk();
  number["kid"] = 7;
  EXPECT_EQ(parse_ok(document({missing, empty, number})).size(), 0u);
}

TEST(Jwks, RsaKeysShorterThan2048BitsAreSkipped) {
  auto const weak = JwtSigner::generate(1024);
  auto const jwks = parse_ok(document({weak.jwk()}));
  EXPECT_EQ(jwks.size(), 0u);
  EXPECT_EQ(verify(token_from(weak), jwks), JwtStatus::unknown_kid);
}

TEST(Jwks, KeysWithMalformedModulusOrExponentAreSkipped) {
  auto bad_n = key_a().jwk();
  bad_n["n"] = "not base64url!";
  auto even_e = key_a().jwk();
  even_e["e"] = "AQAA";  // 65536: an even exponent is not an RSA public key
  auto no_e = key_a().jwk();
  no_e.erase("e");
  EXPECT_EQ(parse_ok(document({bad_n})).size(), 0u);
  EXPECT_EQ(parse_ok(document({even_e})).size(), 0u);
  EXPECT_EQ(parse_ok(document({no_e})).size(), 0u);
}

TEST(Jwks, DuplicateKidDropsBothKeys) {
  auto second = key_b().jwk();
  second["kid"] = key_a().kid();
  auto const jwks = parse_ok(document({key_a().jwk(), second}));
  EXPECT_EQ(jwks.size(), 0u);
  EXPECT_EQ(jwks.find(key_a().kid()), nullptr);
  EXPECT_EQ(verify(token_from(key_a()), jwks), JwtStatus::unknown_kid);
}

TEST(Jwks, DuplicateKidDropsTheKeyEvenWhenTheOtherEntryIsUnusable) {
  // Which entry the issuer meant is unknowable, whatever we would have made of either.
  auto unusable = key_a().jwk();
  unusable["use"] = "enc";
  EXPECT_EQ(parse_ok(document({unusable, key_a().jwk()})).size(), 0u);
  EXPECT_EQ(parse_ok(document({key_a().jwk(), unusable})).size(), 0u);
}

TEST(Jwks, NonObjectEntriesAreSkipped) {
  std::string const json = R"({"keys":[1,"x",null,[],)" + boost::json::serialize(key_a().jwk()) + "]}";
  EXPECT_EQ(parse_ok(json).size(), 1u);
}

TEST(Jwks, DocumentThatIsNotAnObjectIsAnError) {
  EXPECT_EQ(parse_error(R"([{"kty":"RSA"}])"), "JWKS is not a JSON object");
  EXPECT_EQ(parse_error(R"("keys")"), "JWKS is not a JSON object");
}

TEST(Jwks, DocumentWithoutKeysArrayIsAnError) {
  EXPECT_EQ(parse_error("{}"), "JWKS has no \"keys\" array");
  EXPECT_EQ(parse_error(R"({"keys":{}})"), "JWKS has no \"keys\" array");
  EXPECT_EQ(parse_error(R"({"Keys":[]})"), "JWKS has no \"keys\" array");
}

TEST(Jwks, InvalidJsonIsAnError) {
  EXPECT_TRUE(parse_error("<html>502 Bad Gateway</html>").starts_with("JWKS is not valid JSON"));
  EXPECT_TRUE(parse_error("").starts_with("JWKS is not valid JSON"));
  EXPECT_TRUE(parse_error(R"({"keys":[],"keys":[]})").starts_with("JWKS is not valid JSON"));
}

TEST(Jwks, OversizedDocumentIsAnError) {
  std::string json = key_a().jwks_json();
  json.insert(json.size() - 1, ",\"padding\":\"" + std::string(max_jwks_size, 'x') + "\"");
  EXPECT_EQ(parse_error(json), "JWKS too large");
}

TEST(Jwks, EmptyKeysArrayIsAValidEmptySet) { EXPECT_EQ(parse_ok(R"({"keys":[]})").size(), 0u); }

TEST(Jwks, KeyRotationTokensFromBothPublishedKeysVerify) {
  auto const jwks = parse_ok(document({key_a().jwk(), key_b().jwk()}));
  EXPECT_EQ(jwks.size(), 2u);
  EXPECT_EQ(verify(token_from(key_a()), jwks), JwtStatus::ok);
  EXPECT_EQ(verify(token_from(key_b()), jwks), JwtStatus::ok);
}

TEST(Jwks, KeyRotationTokensFromARetiredKeyAreUnknownKid) {
  auto const after_rotation = parse_ok(document({key_b().jwk()}));
  EXPECT_EQ(verify(token_from(key_a()), after_rotation), JwtStatus::unknown_kid);
  EXPECT_EQ(verify(token_from(key_b()), after_rotation), JwtStatus::ok);
}

}  // namespace
