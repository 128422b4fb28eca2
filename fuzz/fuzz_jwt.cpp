// fuzz_jwt: parse_jwt + verify_jwt against a fixed JWKS (fuzz/keys/fuzz_rs256.jwks.json) at a
// fixed clock. The first byte chooses the mode:
//  even: the rest is a compact token, as a client would present it. Whatever the fuzzer makes
//        of it, a token that verifies must carry a signature by the fixed key over exactly its
//        first two segments, checked here with OpenSSL directly.
//  odd:  the rest is "header JSON\npayload JSON" (or only a payload: the default header), signed
//        here with the fixed key, so that the claim checks behind the signature are fuzzed too.
#include "fuzz_check.hpp"

#include "gatehouse/auth/jwks.hpp"
#include "gatehouse/auth/jwt.hpp"
#include "gatehouse/auth/jwt_signer.hpp"
#include "gatehouse/auth/jwt_verifier.hpp"
#include "gatehouse/crypto/base64url.hpp"

#include <boost/json/serialize.hpp>

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

namespace {

using namespace gatehouse;

// 2027-01-15: after the seed tokens' iat and nbf, before their exp.
constexpr UnixSeconds fixed_now = 1'800'000'000;

struct Fixture {
  auth::JwtSigner signer = auth::JwtSigner::load(GATEHOUSE_FUZZ_KEY_DIR "/fuzz_rs256.pem");
  auth::Jwks jwks = load_jwks();
  auth::JwtPolicy policy{std::nullopt, {}, 5};
  std::string default_header = R"({"alg":"RS256","typ":"JWT","kid":")" + signer.kid() + R"("})";

  static auth::Jwks load_jwks() {
    std::ifstream in(GATEHOUSE_FUZZ_KEY_DIR "/fuzz_rs256.jwks.json");
    std::string const text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto parsed = auth::Jwks::parse(text);
    FUZZ_CHECK(std::holds_alternative<auth::Jwks>(parsed));
    FUZZ_CHECK(std::get<auth::Jwks>(parsed).size() == 1);
    return std::get<auth::Jwks>(std::move(parsed));
  }
};

Fixture const& fixture() {
  static Fixture const f;
  return f;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// Independent of verify_jwt: does the token's third segment sign its first two with the key?
bool signed_by_fixed_key(std::string_view token) {
  auto const last_dot = token.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  auto const signature = crypto::base64url_decode(token.substr(last_dot + 1));
  if (!signature) return false;
  std::string_view const input = token.substr(0, last_dot);
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, fixture().signer.key()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<unsigned char const*>(signature->data()), signature->size(),
                          reinterpret_cast<unsigned char const*>(input.data()), input.size()) == 1;
}

void check_token(std::string_view token) {
  auto parsed = auth::parse_jwt(token);
  auto const* jwt = std::get_if<auth::Jwt>(&parsed);
  if (!jwt) return;
  FUZZ_CHECK(!jwt->kid.empty());
  FUZZ_CHECK(token.substr(0, jwt->signing_input.size()) == jwt->signing_input);

  auto const verification = auth::verify_jwt(*jwt, fixture().jwks, fixture().policy, fixed_now);
  if (verification.status != auth::JwtStatus::ok) return;
  // Accepted: signed by the fixed key, in one canonical spelling, with the claims gatehouse needs.
  FUZZ_CHECK(signed_by_fixed_key(token));
  FUZZ_CHECK(token == jwt->signing_input + "." + crypto::base64url_encode(jwt->signature));
  FUZZ_CHECK(!verification.claims.sub.empty() && verification.claims.sub.size() <= 255);
  FUZZ_CHECK(verification.claims.exp > fixed_now - fixture().policy.clock_skew);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view const rest(reinterpret_cast<char const*>(data) + 1, size - 1);
  if ((data[0] & 1) == 0) {
    check_token(rest);
    return 0;
  }
  if (rest.size() > auth::max_jwt_size) return 0;
  auto const newline = rest.find('\n');
  std::string const header(newline == std::string_view::npos ? std::string_view(fixture().default_header)
                                                             : rest.substr(0, newline));
  std::string const payload(newline == std::string_view::npos ? rest : rest.substr(newline + 1));
  check_token(fixture().signer.sign_raw(header, payload));
  return 0;
}
