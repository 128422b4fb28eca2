// Clerk JWT verification: parse_jwt + verify_jwt, one rule per test. Every rejection asserts the
// exact JwtStatus, so a token refused for the wrong reason is a failure too.
#include "gatehouse/auth/jwks.hpp"
#include "gatehouse/auth/jwt.hpp"
#include "gatehouse/auth/jwt_signer.hpp"
#include "gatehouse/auth/jwt_verifier.hpp"
#include "gatehouse/crypto/base64url.hpp"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>

namespace {

using namespace gatehouse::auth;
using gatehouse::UnixSeconds;
using gatehouse::crypto::base64url_decode;
using gatehouse::crypto::base64url_encode;

constexpr UnixSeconds now = 1'700'000'000;
constexpr UnixSeconds skew = 5;

JwtSigner const& signer() {
  static JwtSigner const s = JwtSigner::generate();
  return s;
}

// A different key published under the same kid as signer(): what a forger would try.
JwtSigner const& impostor() {
  static JwtSigner const s = [] {
    auto other = JwtSigner::generate();
    other.set_kid(signer().kid());
    return other;
  }();
  return s;
}

Jwks jwks_of(std::string const& json) {
  auto parsed = Jwks::parse(json);
  if (auto const* error = std::get_if<std::string>(&parsed)) throw std::runtime_error(*error);
  return std::get<Jwks>(std::move(parsed));
}

Jwks const& trusted_jwks() {
  static Jwks const jwks = jwks_of(signer().jwks_json());
  return jwks;
}

boost::json::object valid_claims() {
  return {{"sub", "user_2abc"},         {"iss", "https://clerk.example.com"},
          {"azp", "http://localhost:3000"}, {"sid", "sess_1"},
          {"email", "ada@example.com"}, {"name", "Ada"},
          {"iat", now},                 {"nbf", now - 5},
          {"exp", now + 300}};
}

std::string header_json(std::string const& alg = "RS256") {
  return R"({"alg":")" + alg + R"(","typ":"JWT","kid":")" + signer().kid() + R"("})";
}

std::string sign(boost::json::object const& claims) { return signer().sign(claims); }

std::string sign_raw(std::string const& header, std::string const& payload) {
  return signer().sign_raw(header, payload);
}

// Signing input and signature computed here, for algorithms JwtSigner does not offer.
std::string with_signature(std::string const& header, std::string const& payload, std::string const& signature) {
  return base64url_encode(header) + "." + base64url_encode(payload) + "." + base64url_encode(signature);
}

std::string hmac_sha256(std::string const& secret, std::string const& input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<unsigned char const*>(input.data()), input.size(), mac, &len);
  return std::string(reinterpret_cast<char const*>(mac), len);
}

std::string rsa_sign(EVP_MD const* md, EVP_PKEY* key, std::string const& input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t len = 0;
  auto const* data = reinterpret_cast<unsigned char const*>(input.data());
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()), 1);
  std::string signature(len, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len, data, input.size()), 1);
  signature.resize(len);
  return signature;
}

std::string public_key_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  EXPECT_EQ(PEM_write_bio_PUBKEY(bio.get(), key), 1);
  char* data = nullptr;
  long const len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// The whole pipeline as the server runs it: parse, then verify against the JWKS.
JwtStatus check(std::string_view token, JwtPolicy const& policy = {}, UnixSeconds at = now,
                Jwks const& jwks = trusted_jwks()) {
  auto parsed = parse_jwt(token);
  if (auto const* status = std::get_if<JwtStatus>(&parsed)) return *status;
  return verify_jwt(std::get<Jwt>(parsed), jwks, policy, at).status;
}

JwtStatus check_claims(boost::json::object const& claims, JwtPolicy const& policy = {}) {
  return check(sign(claims), policy);
}

std::string flip_bit_in_signature(std::string const& token) {
  auto const dot = token.rfind('.');
  auto signature = *base64url_decode(token.substr(dot + 1));
  signature[signature.size() / 2] = static_cast<char>(signature[signature.size() / 2] ^ 0x01);
  return token.substr(0, dot + 1) + base64url_encode(signature);
}

// --- RFC 7515 Appendix A.2: the RS256 example, verbatim -------------------------------------

constexpr char rfc7515_a2_token[] =
    "eyJhbGciOiJSUzI1NiJ9"
    "."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    "."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
    "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
    "p0igcN_IoypGlUPQGe77Rw";

// The RFC's public key; the kid is ours (the RFC example has none).
constexpr char rfc7515_a2_jwks[] =
    R"({"keys":[{"kty":"RSA","kid":"rfc7515-a2","e":"AQAB","n":")"
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx"
    "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs"
    "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH"
    "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV"
    "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8"
    "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
    R"("}]})";

constexpr UnixSeconds rfc7515_a2_exp = 1300819380;

Jwt rfc7515_a2_jwt(std::string const& signature_b64) {
  std::string_view const token = rfc7515_a2_token;
  auto const first = token.find('.');
  auto const second = token.find('.', first + 1);
  Jwt jwt;
  jwt.kid = "rfc7515-a2";
  jwt.signing_input = std::string(token.substr(0, second));
  jwt.payload_json = *base64url_decode(token.substr(first + 1, second - first - 1));
  jwt.signature = *base64url_decode(signature_b64);
  return jwt;
}

std::string rfc7515_a2_signature_b64() {
  std::string_view const token = rfc7515_a2_token;
  return std::string(token.substr(token.rfind('.') + 1));
}

TEST(Rfc7515AppendixA2, TokenWithoutKidIsRefusedAsMissingKid) {
  auto const parsed = parse_jwt(rfc7515_a2_token);
  ASSERT_TRUE(std::holds_alternative<JwtStatus>(parsed));
  EXPECT_EQ(std::get<JwtStatus>(parsed), JwtStatus::missing_kid);
}

TEST(Rfc7515AppendixA2, SignatureVerifiesAgainstTheRfcPublicKey) {
  auto const jwks = jwks_of(rfc7515_a2_jwks);
  ASSERT_NE(jwks.find("rfc7515-a2"), nullptr);
  // The signature holds; the first claim rule that fails is the absent sub.
  auto const result = verify_jwt(rfc7515_a2_jwt(rfc7515_a2_signature_b64()), jwks, {}, rfc7515_a2_exp - 60);
  EXPECT_EQ(result.status, JwtStatus::missing_sub);
}

TEST(Rfc7515AppendixA2, ClaimsAreCheckedAfterTheSignature) {
  auto const jwks = jwks_of(rfc7515_a2_jwks);
  auto const jwt = rfc7515_a2_jwt(rfc7515_a2_signature_b64());
  EXPECT_EQ(verify_jwt(jwt, jwks, {}, rfc7515_a2_exp + 60).status, JwtStatus::expired);
  EXPECT_EQ(verify_jwt(jwt, jwks, JwtPolicy{.issuer = "not-joe"}, rfc7515_a2_exp - 60).status,
            JwtStatus::wrong_issuer);
}

TEST(Rfc7515AppendixA2, OneBitChangeInTheSignatureIsBadSignature) {
  auto const jwks = jwks_of(rfc7515_a2_jwks);
  auto jwt = rfc7515_a2_jwt(rfc7515_a2_signature_b64());
  jwt.signature[17] = static_cast<char>(jwt.signature[17] ^ 0x04);
  EXPECT_EQ(verify_jwt(jwt, jwks, {}, rfc7515_a2_exp - 60).status, JwtStatus::bad_signature);
}

// --- A valid token -----------------------------------------------------------------------------

TEST(JwtVerify, ValidTokenIsAcceptedAndItsClaimsAreReturned) {
  auto parsed = parse_jwt(sign(valid_claims()));
  ASSERT_TRUE(std::holds_alternative<Jwt>(parsed));
  auto const result = verify_jwt(std::get<Jwt>(parsed), trusted_jwks(),
                                 JwtPolicy{.issuer = "https://clerk.example.com",
                                           .authorized_parties = {"http://localhost:3000"}},
                                 now);
  ASSERT_EQ(result.status, JwtStatus::ok);
  EXPECT_EQ(result.claims.sub, "user_2abc");
  EXPECT_EQ(result.claims.sid, "sess_1");
  EXPECT_EQ(result.claims.azp, "http://localhost:3000");
  EXPECT_EQ(result.claims.email, "ada@example.com");
  EXPECT_EQ(result.claims.name, "Ada");
  EXPECT_EQ(result.claims.exp, now + 300);
}

TEST(JwtParse, LooksLikeJwtOnlyWithExactlyTwoDots) {
  EXPECT_TRUE(looks_like_jwt(sign(valid_claims())));
  EXPECT_FALSE(looks_like_jwt("gh_sess_0123456789abcdef"));
  EXPECT_FALSE(looks_like_jwt("a.b.c.d"));
}

// --- Algorithm confusion ---------------------------------------------------------------------

std::string payload_json() { return boost::json::serialize(valid_claims()); }

TEST(JwtAttack, AlgNoneWithEmptySignatureIsMalformed) {
  std::string const header = R"({"alg":"none","typ":"JWT","kid":")" + signer().kid() + R"("})";
  EXPECT_EQ(check(base64url_encode(header) + "." + base64url_encode(payload_json()) + "."), JwtStatus::malformed);
}

TEST(JwtAttack, AlgNoneWithSignatureIsUnsupportedAlg) {
  std::string const header = R"({"alg":"none","typ":"JWT","kid":")" + signer().kid() + R"("})";
  EXPECT_EQ(check(with_signature(header, payload_json(), "x")), JwtStatus::unsupported_alg);
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::unsupported_alg);
}

TEST(JwtAttack, AlgNoneCaseVariantsAreUnsupportedAlg) {
  for (std::string const alg : {"None", "NONE", "nOnE"}) {
    EXPECT_EQ(check(sign_raw(header_json(alg), payload_json())), JwtStatus::unsupported_alg) << alg;
  }
}

TEST(JwtAttack, Hs256KeyedWithTheRsaPublicKeyPemIsUnsupportedAlg) {
  std::string const header = header_json("HS256");
  std::string const input = base64url_encode(header) + "." + base64url_encode(payload_json());
  std::string const mac = hmac_sha256(public_key_pem(signer().key()), input);
  EXPECT_EQ(check(input + "." + base64url_encode(mac)), JwtStatus::unsupported_alg);
}

TEST(JwtAttack, Hs256KeyedWithTheJwkModulusIsUnsupportedAlg) {
  std::string const header = header_json("HS256");
  std::string const input = base64url_encode(header) + "." + base64url_encode(payload_json());
  auto const n = base64url_decode(std::string(signer().jwk().at("n").as_string()));
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(check(input + "." + base64url_encode(hmac_sha256(*n, input))), JwtStatus::unsupported_alg);
}

TEST(JwtAttack, Rs512IsUnsupportedAlg) {
  std::string const header = header_json("RS512");
  std::string const input = base64url_encode(header) + "." + base64url_encode(payload_json());
  auto const signature = rsa_sign(EVP_sha512(), signer().key(), input);
  EXPECT_EQ(check(input + "." + base64url_encode(signature)), JwtStatus::unsupported_alg);
}

TEST(JwtAttack, MissingAlgIsUnsupportedAlg) {
  std::string const header = R"({"typ":"JWT","kid":")" + signer().kid() + R"("})";
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::unsupported_alg);
}

TEST(JwtAttack, AlgNotAStringIsUnsupportedAlg) {
  for (std::string const alg : {R"(256)", R"(["RS256"])", R"({"name":"RS256"})", R"(null)", R"(true)"}) {
    std::string const header = R"({"alg":)" + alg + R"(,"kid":")" + signer().kid() + R"("})";
    EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::unsupported_alg) << alg;
  }
}

TEST(JwtAttack, AlgWithDifferentSpellingOfRs256IsUnsupportedAlg) {
  for (std::string const alg : {"rs256", "RS256 ", " RS256", "RS256\\u0000"}) {
    EXPECT_EQ(check(sign_raw(header_json(alg), payload_json())), JwtStatus::unsupported_alg) << alg;
  }
}

// --- Signatures and keys -----------------------------------------------------------------------

TEST(JwtAttack, FlippedSignatureBitIsBadSignature) {
  EXPECT_EQ(check(flip_bit_in_signature(sign(valid_claims()))), JwtStatus::bad_signature);
}

TEST(JwtAttack, ModifiedPayloadIsBadSignature) {
  auto const token = sign(valid_claims());
  auto claims = valid_claims();
  claims["sub"] = "user_admin";
  auto const forged_payload = base64url_encode(boost::json::serialize(claims));
  auto const first = token.find('.');
  auto const second = token.find('.', first + 1);
  EXPECT_EQ(check(token.substr(0, first + 1) + forged_payload + token.substr(second)), JwtStatus::bad_signature);
}

TEST(JwtAttack, SignatureByAnotherKeyWithTheSameKidIsBadSignature) {
  ASSERT_EQ(impostor().kid(), signer().kid());
  EXPECT_EQ(check(impostor().sign(valid_claims())), JwtStatus::bad_signature);
}

TEST(JwtAttack, SignatureOfTheWrongLengthIsBadSignature) {
  auto const token = sign(valid_claims());
  auto const dot = token.rfind('.');
  auto signature = *base64url_decode(token.substr(dot + 1));
  EXPECT_EQ(check(token.substr(0, dot + 1) + base64url_encode(signature + std::string(1, '\0'))),
            JwtStatus::bad_signature);
  EXPECT_EQ(check(token.substr(0, dot + 1) + base64url_encode(signature.substr(1))), JwtStatus::bad_signature);
}

TEST(JwtAttack, UnknownKidIsUnknownKid) {
  std::string const header = R"({"alg":"RS256","typ":"JWT","kid":"someone-else"})";
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::unknown_kid);
}

TEST(JwtAttack, MissingKidIsMissingKid) {
  EXPECT_EQ(check(sign_raw(R"({"alg":"RS256","typ":"JWT"})", payload_json())), JwtStatus::missing_kid);
}

TEST(JwtAttack, EmptyKidIsMissingKid) {
  EXPECT_EQ(check(sign_raw(R"({"alg":"RS256","kid":""})", payload_json())), JwtStatus::missing_kid);
}

TEST(JwtAttack, KidNotAStringIsMissingKid) {
  for (std::string const kid : {R"(7)", R"(["a"])", R"(null)", R"({})"}) {
    std::string const header = R"({"alg":"RS256","kid":)" + kid + "}";
    EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::missing_kid) << kid;
  }
}

// --- Header parameters -------------------------------------------------------------------------

TEST(JwtAttack, CritHeaderIsUnsupportedCrit) {
  std::string const header = R"({"alg":"RS256","kid":")" + signer().kid() + R"(","crit":["b64"],"b64":false})";
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::unsupported_crit);
  std::string const empty_crit = R"({"alg":"RS256","kid":")" + signer().kid() + R"(","crit":[]})";
  EXPECT_EQ(check(sign_raw(empty_crit, payload_json())), JwtStatus::unsupported_crit);
}

TEST(JwtAttack, TypAtJwtIsUnsupportedTyp) {
  std::string const header = R"({"alg":"RS256","typ":"at+jwt","kid":")" + signer().kid() + R"("})";
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::unsupported_typ);
}

TEST(JwtAttack, TypNotAStringIsUnsupportedTyp) {
  std::string const header = R"({"alg":"RS256","typ":1,"kid":")" + signer().kid() + R"("})";
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::unsupported_typ);
}

TEST(JwtVerify, TypJwtIsAcceptedCaseInsensitivelyAndMayBeAbsent) {
  for (std::string const typ : {R"("typ":"jwt",)", R"("typ":"JWT",)", ""}) {
    std::string const header = R"({"alg":"RS256",)" + typ + R"("kid":")" + signer().kid() + R"("})";
    EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::ok) << header;
  }
}

TEST(JwtAttack, DuplicateAlgKeyNoneThenRs256IsBadHeader) {
  std::string const header = R"({"alg":"none","alg":"RS256","kid":")" + signer().kid() + R"("})";
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::bad_header);
}

TEST(JwtAttack, DuplicateAlgKeyRs256ThenNoneIsBadHeader) {
  std::string const header = R"({"alg":"RS256","alg":"none","kid":")" + signer().kid() + R"("})";
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::bad_header);
}

TEST(JwtAttack, DuplicateKidKeyIsBadHeader) {
  std::string const header = R"({"alg":"RS256","kid":"other","kid":")" + signer().kid() + R"("})";
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::bad_header);
}

TEST(JwtAttack, HeaderNotJsonIsBadHeader) {
  EXPECT_EQ(check(sign_raw("not json", payload_json())), JwtStatus::bad_header);
  EXPECT_EQ(check(sign_raw(header_json() + "x", payload_json())), JwtStatus::bad_header);
}

TEST(JwtAttack, HeaderJsonArrayIsBadHeader) {
  std::string const header = R"([{"alg":"RS256","kid":")" + signer().kid() + R"("}])";
  EXPECT_EQ(check(sign_raw(header, payload_json())), JwtStatus::bad_header);
}

TEST(JwtAttack, PayloadNotJsonIsBadPayload) {
  EXPECT_EQ(check(sign_raw(header_json(), "not json")), JwtStatus::bad_payload);
}

TEST(JwtAttack, PayloadJsonArrayIsBadPayload) {
  EXPECT_EQ(check(sign_raw(header_json(), "[" + payload_json() + "]")), JwtStatus::bad_payload);
}

TEST(JwtAttack, PayloadWithDuplicateSubIsBadPayload) {
  std::string const payload = R"({"sub":"user_a","sub":"user_b","exp":)" + std::to_string(now + 300) + "}";
  EXPECT_EQ(check(sign_raw(header_json(), payload)), JwtStatus::bad_payload);
}

// --- Issuer and authorized party ---------------------------------------------------------------

TEST(JwtClaims, WrongIssuerIsWrongIssuer) {
  auto claims = valid_claims();
  claims["iss"] = "https://evil.example.com";
  EXPECT_EQ(check_claims(claims, {.issuer = "https://clerk.example.com"}), JwtStatus::wrong_issuer);
}

TEST(JwtClaims, MissingIssuerWhenIssuerConfiguredIsWrongIssuer) {
  auto claims = valid_claims();
  claims.erase("iss");
  EXPECT_EQ(check_claims(claims, {.issuer = "https://clerk.example.com"}), JwtStatus::wrong_issuer);
}

TEST(JwtClaims, IssuerIsIgnoredWhenNoneConfigured) {
  auto claims = valid_claims();
  claims["iss"] = "https://anything.example.com";
  EXPECT_EQ(check_claims(claims), JwtStatus::ok);
}

TEST(JwtClaims, IssuerNotAStringIsBadClaim) {
  auto claims = valid_claims();
  claims["iss"] = 42;
  EXPECT_EQ(check_claims(claims), JwtStatus::bad_claim);
}

TEST(JwtClaims, MissingAzpWhenPartiesConfiguredIsInvalidAuthorizedParty) {
  auto claims = valid_claims();
  claims.erase("azp");
  EXPECT_EQ(check_claims(claims, {.authorized_parties = {"http://localhost:3000"}}),
            JwtStatus::invalid_authorized_party);
}

TEST(JwtClaims, WrongAzpWhenPartiesConfiguredIsInvalidAuthorizedParty) {
  auto claims = valid_claims();
  claims["azp"] = "https://evil.example.com";
  EXPECT_EQ(check_claims(claims, {.authorized_parties = {"http://localhost:3000", "https://app.example.com"}}),
            JwtStatus::invalid_authorized_party);
}

TEST(JwtClaims, AzpAmongSeveralConfiguredPartiesIsAccepted) {
  auto claims = valid_claims();
  claims["azp"] = "https://app.example.com";
  EXPECT_EQ(check_claims(claims, {.authorized_parties = {"http://localhost:3000", "https://app.example.com"}}),
            JwtStatus::ok);
}

TEST(JwtClaims, AzpIsIgnoredWhenNoPartiesConfigured) {
  auto claims = valid_claims();
  claims["azp"] = "https://anything.example.com";
  EXPECT_EQ(check_claims(claims), JwtStatus::ok);
  claims.erase("azp");
  EXPECT_EQ(check_claims(claims), JwtStatus::ok);
}

// --- Time --------------------------------------------------------------------------------------

TEST(JwtClaims, ExpiredBeyondClockSkewIsExpired) {
  auto claims = valid_claims();
  claims["iat"] = now - 600;
  claims["nbf"] = now - 600;
  claims["exp"] = now - skew;  // now >= exp + skew
  EXPECT_EQ(check_claims(claims, {.clock_skew = skew}), JwtStatus::expired);
  claims["exp"] = now - 3600;
  EXPECT_EQ(check_claims(claims, {.clock_skew = skew}), JwtStatus::expired);
}

TEST(JwtClaims, ExpiryWithinClockSkewIsAccepted) {
  auto claims = valid_claims();
  claims["iat"] = now - 600;
  claims["nbf"] = now - 600;
  claims["exp"] = now - (skew - 1);
  EXPECT_EQ(check_claims(claims, {.clock_skew = skew}), JwtStatus::ok);
}

TEST(JwtClaims, NotBeforeBeyondClockSkewIsNotYetValid) {
  auto claims = valid_claims();
  claims["nbf"] = now + skew + 1;
  EXPECT_EQ(check_claims(claims, {.clock_skew = skew}), JwtStatus::not_yet_valid);
}

TEST(JwtClaims, NotBeforeWithinClockSkewIsAccepted) {
  auto claims = valid_claims();
  claims["nbf"] = now + skew;
  EXPECT_EQ(check_claims(claims, {.clock_skew = skew}), JwtStatus::ok);
}

TEST(JwtClaims, IssuedAtBeyondClockSkewInTheFutureIsIssuedInFuture) {
  auto claims = valid_claims();
  claims["iat"] = now + skew + 1;
  EXPECT_EQ(check_claims(claims, {.clock_skew = skew}), JwtStatus::issued_in_future);
  claims["iat"] = now + 3600;
  EXPECT_EQ(check_claims(claims, {.clock_skew = skew}), JwtStatus::issued_in_future);
}

TEST(JwtClaims, IssuedAtWithinClockSkewIsAccepted) {
  auto claims = valid_claims();
  claims["iat"] = now + skew;
  EXPECT_EQ(check_claims(claims, {.clock_skew = skew}), JwtStatus::ok);
}

TEST(JwtClaims, MissingExpIsMissingExp) {
  auto claims = valid_claims();
  claims.erase("exp");
  EXPECT_EQ(check_claims(claims), JwtStatus::missing_exp);
}

TEST(JwtClaims, ExpAsStringIsBadClaim) {
  auto claims = valid_claims();
  claims["exp"] = std::to_string(now + 300);
  EXPECT_EQ(check_claims(claims), JwtStatus::bad_claim);
}

TEST(JwtClaims, ExpAsNullOrBoolIsBadClaim) {
  auto claims = valid_claims();
  claims["exp"] = nullptr;
  EXPECT_EQ(check_claims(claims), JwtStatus::bad_claim);
  claims["exp"] = true;
  EXPECT_EQ(check_claims(claims), JwtStatus::bad_claim);
}

TEST(JwtClaims, ExpAsFloatIsAccepted) {
  auto claims = valid_claims();
  claims["exp"] = static_cast<double>(now) + 300.5;
  auto parsed = parse_jwt(sign(claims));
  ASSERT_TRUE(std::holds_alternative<Jwt>(parsed));
  auto const result = verify_jwt(std::get<Jwt>(parsed), trusted_jwks(), {}, now);
  EXPECT_EQ(result.status, JwtStatus::ok);
  EXPECT_EQ(result.claims.exp, now + 300);
}

TEST(JwtClaims, NbfAsStringIsBadClaim) {
  auto claims = valid_claims();
  claims["nbf"] = "yesterday";
  EXPECT_EQ(check_claims(claims), JwtStatus::bad_claim);
}

TEST(JwtClaims, HugeExpDoesNotOverflow) {
  auto claims = valid_claims();
  claims["exp"] = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(check_claims(claims), JwtStatus::ok);
  claims["exp"] = 1e300;
  EXPECT_EQ(check_claims(claims), JwtStatus::ok);
  claims["exp"] = -1e300;
  EXPECT_EQ(check_claims(claims), JwtStatus::expired);
}

// --- Subject -----------------------------------------------------------------------------------

TEST(JwtClaims, MissingSubIsMissingSub) {
  auto claims = valid_claims();
  claims.erase("sub");
  EXPECT_EQ(check_claims(claims), JwtStatus::missing_sub);
}

TEST(JwtClaims, EmptySubIsMissingSub) {
  auto claims = valid_claims();
  claims["sub"] = "";
  EXPECT_EQ(check_claims(claims), JwtStatus::missing_sub);
}

TEST(JwtClaims, SubNotAStringIsBadClaim) {
  auto claims = valid_claims();
  claims["sub"] = 12345;
  EXPECT_EQ(check_claims(claims), JwtStatus::bad_claim);
  claims["sub"] = boost::json::array{"user_a"};
  EXPECT_EQ(check_claims(claims), JwtStatus::bad_claim);
}

TEST(JwtClaims, OverlongSubIsBadClaim) {
  auto claims = valid_claims();
  claims["sub"] = std::string(256, 'u');
  EXPECT_EQ(check_claims(claims), JwtStatus::bad_claim);
}

TEST(JwtClaims, ProfileClaimsOfTheWrongTypeAreTreatedAsAbsent) {
  auto claims = valid_claims();
  claims["email"] = 7;
  claims["name"] = boost::json::object{};
  auto parsed = parse_jwt(sign(claims));
  ASSERT_TRUE(std::holds_alternative<Jwt>(parsed));
  auto const result = verify_jwt(std::get<Jwt>(parsed), trusted_jwks(), {}, now);
  ASSERT_EQ(result.status, JwtStatus::ok);
  EXPECT_FALSE(result.claims.email.has_value());
  EXPECT_FALSE(result.claims.name.has_value());
}

// --- Structure and encoding ------------------------------------------------------------------

TEST(JwtAttack, TruncatedTokensAreRefused) {
  auto const token = sign(valid_claims());
  auto const first = token.find('.');
  auto const second = token.find('.', first + 1);
  EXPECT_EQ(check(""), JwtStatus::malformed);
  EXPECT_EQ(check(token.substr(0, first / 2)), JwtStatus::malformed);
  EXPECT_EQ(check(token.substr(0, first)), JwtStatus::malformed);
  EXPECT_EQ(check(token.substr(0, first + 1)), JwtStatus::malformed);
  EXPECT_EQ(check(token.substr(0, (first + second) / 2)), JwtStatus::malformed);
  EXPECT_EQ(check(token.substr(0, second)), JwtStatus::malformed);
  EXPECT_EQ(check(token.substr(0, second + 1)), JwtStatus::malformed);
  // A 2048-bit signature is 342 characters (342 % 4 == 2): one fewer is not base64url at all,
  // two fewer decodes to 255 bytes, which is not a signature of this key.
  ASSERT_EQ(token.size() - second - 1, 342u);
  EXPECT_EQ(check(token.substr(0, token.size() - 1)), JwtStatus::bad_encoding);
  EXPECT_EQ(check(token.substr(0, token.size() - 2)), JwtStatus::bad_signature);
}

TEST(JwtAttack, ExtraSegmentIsMalformed) {
  auto const token = sign(valid_claims());
  EXPECT_EQ(check(token + ".AAAA"), JwtStatus::malformed);
  EXPECT_EQ(check(token + "."), JwtStatus::malformed);
}

TEST(JwtAttack, EmptySegmentsAreMalformed) {
  auto const token = sign(valid_claims());
  auto const first = token.find('.');
  auto const second = token.find('.', first + 1);
  EXPECT_EQ(check(".."), JwtStatus::malformed);
  EXPECT_EQ(check(token.substr(first)), JwtStatus::malformed);                                   // no header
  EXPECT_EQ(check(token.substr(0, first + 1) + token.substr(second)), JwtStatus::malformed);     // no payload
  EXPECT_EQ(check(token.substr(0, second + 1)), JwtStatus::malformed);                           // no signature
}

TEST(JwtAttack, NonBase64UrlCharactersAreBadEncoding) {
  auto const token = sign(valid_claims());
  auto const first = token.find('.');
  for (char const c : {'+', '/', '*', '%', '\0'}) {
    std::string header_damaged = token;
    header_damaged[1] = c;
    EXPECT_EQ(check(header_damaged), JwtStatus::bad_encoding) << static_cast<int>(c);
    std::string payload_damaged = token;
    payload_damaged[first + 2] = c;
    EXPECT_EQ(check(payload_damaged), JwtStatus::bad_encoding) << static_cast<int>(c);
    std::string signature_damaged = token;
    signature_damaged[token.size() - 3] = c;
    EXPECT_EQ(check(signature_damaged), JwtStatus::bad_encoding) << static_cast<int>(c);
  }
}

TEST(JwtAttack, PaddingIsBadEncoding) {
  auto const token = sign(valid_claims());
  EXPECT_EQ(check(token + "=="), JwtStatus::bad_encoding);
  auto const first = token.find('.');
  EXPECT_EQ(check(token.substr(0, first) + "=" + token.substr(first)), JwtStatus::bad_encoding);
}

TEST(JwtAttack, OversizedTokenIsTooLarge) {
  auto claims = valid_claims();
  claims["padding"] = std::string(max_jwt_size, 'x');
  auto const token = sign(claims);
  ASSERT_GT(token.size(), max_jwt_size);
  EXPECT_EQ(check(token), JwtStatus::too_large);
  EXPECT_EQ(check(std::string(max_jwt_size + 1, '.')), JwtStatus::too_large);
}

TEST(JwtVerify, TokenJustUnderTheSizeLimitIsAccepted) {
  auto claims = valid_claims();
  claims["padding"] = std::string(max_jwt_size / 2, 'x');
  auto const token = sign(claims);
  ASSERT_LE(token.size(), max_jwt_size);
  EXPECT_EQ(check(token), JwtStatus::ok);
}

TEST(JwtAttack, WhitespaceAroundTheTokenIsBadEncoding) {
  auto const token = sign(valid_claims());
  EXPECT_EQ(check(" " + token), JwtStatus::bad_encoding);
  EXPECT_EQ(check(token + " "), JwtStatus::bad_encoding);
  EXPECT_EQ(check(token + "\n"), JwtStatus::bad_encoding);
  EXPECT_EQ(check("\t" + token + "\r\n"), JwtStatus::bad_encoding);
}

}  // namespace
