// fuzz_jwks: Jwks::parse on arbitrary bytes, as a JWKS host could serve them. A parse never
// crashes, and every key it keeps is an RSA key of at least 2048 bits findable by its kid.
#include "fuzz_check.hpp"

#include "gatehouse/auth/jwks.hpp"

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  using gatehouse::auth::Jwks;
  auto parsed = Jwks::parse(std::string_view(reinterpret_cast<char const*>(data), size));
  if (auto const* reason = std::get_if<std::string>(&parsed)) {
    FUZZ_CHECK(!reason->empty());
    return 0;
  }
  auto const& jwks = std::get<Jwks>(parsed);
  FUZZ_CHECK(jwks.find("") == nullptr);
  jwks.for_each([](std::string_view kid, EVP_PKEY* key) {
    FUZZ_CHECK(!kid.empty());
    FUZZ_CHECK(EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA);
    FUZZ_CHECK(EVP_PKEY_get_bits(key) >= 2048);
  });
  return 0;
}
