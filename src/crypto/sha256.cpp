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

// One context per thread, reset rather than allocated for each digest: every authenticated
// request hashes its token, and EVP_Digest allocates, initialises and frees a context per call.
EVP_MD_CTX* thread_context() {
  struct Owner {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Owner() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Owner owner;
  return owner.ctx;
}

}  // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  EVP_MD_CTX* ctx = thread_context();
  if (!ctx || EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx, out.data(), &len) != 1 ||
      len != out.size()) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return out;
}

}  // namespace gatehouse::crypto
