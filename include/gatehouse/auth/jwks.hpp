#pragma once
// A parsed JSON Web Key Set (RFC 7517): the RSA signing keys usable for RS256, by kid.
#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

namespace gatehouse::auth {

// A JWKS document larger than this is refused (a JWKS host cannot make us buffer gigabytes).
inline constexpr std::size_t max_jwks_size = 1024 * 1024;

class Jwks {
 public:
  using KeyPtr = std::shared_ptr<EVP_PKEY>;

  // Keys that are not RSA, not for signatures, for another alg, without a kid, or weaker than
  // 2048 bits are skipped. A kid that appears twice is ambiguous and dropped. A document that
  // is not a JSON object with a "keys" array is an error (returned as its reason).
  static std::variant<Jwks, std::string> parse(std::string_view json);

  EVP_PKEY* find(std::string_view kid) const;
  std::size_t size() const { return keys_.size(); }

  // Calls f(kid, key) for every key kept (the fuzz target checks what parse let through).
  template <typename F>
  void for_each(F&& f) const {
    for (auto const& [kid, key] : keys_) f(std::string_view(kid), key.get());
  }

 private:
  std::unordered_map<std::string, KeyPtr> keys_;
};

}  // namespace gatehouse::auth
