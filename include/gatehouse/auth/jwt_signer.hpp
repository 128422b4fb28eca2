#pragma once
// The development issuer: an RSA key pair that mints Clerk-shaped RS256 JWTs and publishes its
// JWKS. Used by `gatehouse --dev`, the gatehouse-dev-issuer tool, the tests and the load tool.
// Never used to verify anything in production.
#include <boost/json/object.hpp>

#include <openssl/types.h>

#include "gatehouse/util/clock.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace gatehouse::auth {

class JwtSigner {
 public:
  // A fresh RSA key (2048 bits by default). kid defaults to the RFC 7638 thumbprint.
  static JwtSigner generate(int bits = 2048);
  // Loads a PEM private key written by save_private_key.
  static JwtSigner load(std::filesystem::path const& pem_path);

  // Writes the private key as PEM with mode 0600 (replacing the file atomically).
  void save_private_key(std::filesystem::path const& pem_path) const;

  std::string const& kid() const { return kid_; }
  void set_kid(std::string kid) { kid_ = std::move(kid); }

  // {"keys":[{"kty":"RSA","kid":...,"use":"sig","alg":"RS256","n":...,"e":...}]}
  boost::json::object jwk() const;
  std::string jwks_json() const;

  // Signs payload with header {"alg":"RS256","typ":"JWT","kid":kid()}.
  std::string sign(boost::json::object const& payload) const;
  // Signs arbitrary header and payload JSON texts (the attack corpus needs malformed headers).
  std::string sign_raw(std::string const& header_json, std::string const& payload_json) const;

  EVP_PKEY* key() const { return key_.get(); }

 private:
  explicit JwtSigner(std::shared_ptr<EVP_PKEY> key);
  std::shared_ptr<EVP_PKEY> key_;
  std::string kid_;
};

// The claims of a Clerk session token, as the development issuer mints them.
struct ClerkTokenSpec {
  std::string sub;                        // "user_..."
  std::optional<std::string> azp;         // e.g. "http://localhost:3000"
  std::optional<std::string> iss;         // e.g. "https://dev.gatehouse.local"
  std::optional<std::string> sid;         // "sess_..."; generated when absent
  std::optional<std::string> email;
  std::optional<std::string> name;
  UnixSeconds lifetime = 300;             // exp = now + lifetime (may be negative: already expired)
  UnixSeconds not_before_offset = -5;     // nbf = now + offset
  UnixSeconds issued_at_offset = 0;       // iat = now + offset
};

boost::json::object clerk_claims(ClerkTokenSpec const& spec, UnixSeconds now);
std::string mint_clerk_token(JwtSigner const& signer, ClerkTokenSpec const& spec, UnixSeconds now);

}  // namespace gatehouse::auth
