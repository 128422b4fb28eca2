#include "gatehouse/auth/jwks.hpp"

#include "gatehouse/crypto/base64url.hpp"
#include "gatehouse/json/strict_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <set>

namespace gatehouse::auth {

namespace {

constexpr int min_rsa_bits = 2048;
constexpr int max_rsa_bits = 8192;

struct BnDeleter { void operator()(BIGNUM* b) const { BN_free(b); } };
struct ParamBldDeleter { void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); } };
struct ParamDeleter { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };
struct PkeyCtxDeleter { void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); } };

std::unique_ptr<BIGNUM, BnDeleter> to_bignum(std::string const& bytes) {
  return std::unique_ptr<BIGNUM, BnDeleter>(
      BN_bin2bn(reinterpret_cast<unsigned char const*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
}

std::string const* string_member(boost::json::object const& o, std::string_view name, std::string& storage) {
  auto const* v = o.if_contains(name);
  if (!v || !v->is_string()) return nullptr;
  storage.assign(v->get_string().data(), v->get_string().size());
  return &storage;
}

// Returns the key, or nullptr when this JWK is not an RS256 signing key we accept.
Jwks::KeyPtr rsa_key_from_jwk(boost::json::object const& jwk) {
  std::string kty, use, alg, n_b64, e_b64;
  if (!string_member(jwk, "kty", kty) || kty != "RSA") return nullptr;
  if (jwk.contains("use") && (!string_member(jwk, "use", use) || use != "sig")) return nullptr;
  if (jwk.contains("alg") && (!string_member(jwk, "alg", alg) || alg != "RS256")) return nullptr;
  if (!string_member(jwk, "n", n_b64) || !string_member(jwk, "e", e_b64)) return nullptr;
  auto n_bytes = crypto::base64url_decode(n_b64);
  auto e_bytes = crypto::base64url_decode(e_b64);
  if (!n_bytes || !e_bytes || n_bytes->empty() || e_bytes->empty() || e_bytes->size() > 8) return nullptr;

  auto n = to_bignum(*n_bytes);
  auto e = to_bignum(*e_bytes);
  if (!n || !e) return nullptr;
  int const bits = BN_num_bits(n.get());
  if (bits < min_rsa_bits || bits > max_rsa_bits || !BN_is_odd(e.get()) || BN_is_one(e.get())) return nullptr;

  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return Jwks::KeyPtr(raw, EVP_PKEY_free);
}

}  // namespace

std::variant<Jwks, std::string> Jwks::parse(std::string_view json) {
  if (json.size() > max_jwks_size) return std::string("JWKS too large");
  json::ParseFailure failure;
  auto doc = json::parse_strict(json, &failure, 8);
  if (!doc) return "JWKS is not valid JSON: " + failure.reason;
  if (!doc->is_object()) return std::string("JWKS is not a JSON object");
  auto const* keys = doc->get_object().if_contains("keys");
  if (!keys || !keys->is_array()) return std::string("JWKS has no \"keys\" array");

  Jwks jwks;
  std::set<std::string> seen;
  for (auto const& entry : keys->get_array()) {
    if (!entry.is_object()) continue;
    auto const& jwk = entry.get_object();
    auto const* kid = jwk.if_contains("kid");
    if (!kid || !kid->is_string() || kid->get_string().empty()) continue;
    std::string id(kid->get_string().data(), kid->get_string().size());
    if (!seen.insert(id).second) {
      // Two keys under one kid: which one a token meant cannot be known, so neither is used.
      jwks.keys_.erase(id);
      continue;
    }
    if (auto key = rsa_key_from_jwk(jwk)) jwks.keys_.emplace(std::move(id), std::move(key));
  }
  return jwks;
}

EVP_PKEY* Jwks::find(std::string_view kid) const {
  auto it = keys_.find(std::string(kid));
  return it == keys_.end() ? nullptr : it->second.get();
}

}  // namespace gatehouse::auth
