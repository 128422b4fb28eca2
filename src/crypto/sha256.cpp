#include "gatehouse/crypto/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace gatehouse::crypto {

namespace {
// Fetched once: OpenSSL 3's implicit fetch (EVP_sha256()) costs a lock per call on the hot path.
EVP_MD const* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
}  // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, sha256_md(), nullptr) != 1 ||
      len != out.size()) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return out;
}

}  // namespace gatehouse::crypto
