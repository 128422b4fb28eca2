#include "gatehouse/crypto/constant_time.hpp"

#include <openssl/crypto.h>

namespace gatehouse::crypto {

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gatehouse::crypto
