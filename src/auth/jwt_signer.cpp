#include "gatehouse/auth/jwt_signer.hpp"

#include "gatehouse/crypto/base64url.hpp"
#include "gatehouse/crypto/sha256.hpp"

#include <boost/json/serialize.hpp>

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace gatehouse::auth {

namespace {

struct BnDeleter { void operator()(BIGNUM* b) const { BN_free(b); } };
struct MdCtxDeleter { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct BioDeleter { void operator()(BIO* b) const { BIO_free(b); } };

std::string bn_param_b64(EVP_PKEY* key, char const* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) throw std::runtime_error("cannot read RSA key parameter");
  std::unique_ptr<BIGNUM, BnDeleter> bn(raw);
  std::vector<unsigned char> bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), bytes.data());
  return crypto::base64url_encode(std::string_view(reinterpret_cast<char const*>(bytes.data()), bytes.size()));
}

}  // namespace

JwtSigner::JwtSigner(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {
  // RFC 7638 thumbprint: members in lexicographic order, no whitespace.
  std::string const canonical = "{\"e\":\"" + bn_param_b64(key_.get(), OSSL_PKEY_PARAM_RSA_E) +
                                "\",\"kty\":\"RSA\",\"n\":\"" + bn_param_b64(key_.get(), OSSL_PKEY_PARAM_RSA_N) + "\"}";
  auto const digest = crypto::sha256(canonical);
  kid_ = crypto::base64url_encode(std::string_view(reinterpret_cast<char const*>(digest.data()), digest.size()));
}

JwtSigner JwtSigner::generate(int bits) {
  EVP_PKEY* raw = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (!raw) throw std::runtime_error("RSA key generation failed");
  return JwtSigner(std::shared_ptr<EVP_PKEY>(raw, EVP_PKEY_free));
}

JwtSigner JwtSigner::load(std::filesystem::path const& pem_path) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_file(pem_path.c_str(), "r"));
  if (!bio) throw std::runtime_error("cannot open signing key " + pem_path.string());
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!raw) throw std::runtime_error("signing key " + pem_path.string() + " is not a PEM private key");
  std::shared_ptr<EVP_PKEY> key(raw, EVP_PKEY_free);
  if (EVP_PKEY_get_base_id(raw) != EVP_PKEY_RSA) {
    throw std::runtime_error("signing key " + pem_path.string() + " is not an RSA key");
  }
  return JwtSigner(std::move(key));
}

void JwtSigner::save_private_key(std::filesystem::path const& pem_path) const {
  std::filesystem::path const tmp = pem_path.string() + ".tmp";
  ::unlink(tmp.c_str());
  int const fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp.string());
  FILE* f = ::fdopen(fd, "w");
  if (!f) {
    ::close(fd);
    throw std::runtime_error("cannot open " + tmp.string());
  }
  bool const ok = PEM_write_PrivateKey(f, key_.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  bool const closed = std::fclose(f) == 0;
  if (!ok || !closed) throw std::runtime_error("cannot write " + tmp.string());
  std::filesystem::rename(tmp, pem_path);
}

boost::json::object JwtSigner::jwk() const {
  return {{"kty", "RSA"},
          {"kid", kid_},
          {"use", "sig"},
          {"alg", "RS256"},
          {"n", bn_param_b64(key_.get(), OSSL_PKEY_PARAM_RSA_N)},
          {"e", bn_param_b64(key_.get(), OSSL_PKEY_PARAM_RSA_E)}};
}

std::string JwtSigner::jwks_json() const {
  boost::json::object doc;
  doc["keys"] = boost::json::array{jwk()};
  return boost::json::serialize(doc);
}

std::string JwtSigner::sign(boost::json::object const& payload) const {
  boost::json::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", kid_}};
  return sign_raw(boost::json::serialize(header), boost::json::serialize(payload));
}

std::string JwtSigner::sign_raw(std::string const& header_json, std::string const& payload_json) const {
  std::string input = crypto::base64url_encode(header_json) + "." + crypto::base64url_encode(payload_json);
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<unsigned char const*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("RS256 signing failed");
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     reinterpret_cast<unsigned char const*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("RS256 signing failed");
  }
  signature.resize(len);
  return input + "." + crypto::base64url_encode(signature);
}

}  // namespace gatehouse::auth
