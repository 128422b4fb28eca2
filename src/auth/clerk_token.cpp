#include "gatehouse/auth/jwt_signer.hpp"

#include "gatehouse/crypto/random.hpp"

namespace gatehouse::auth {

boost::json::object clerk_claims(ClerkTokenSpec const& spec, UnixSeconds now) {
  boost::json::object claims;
  claims["sub"] = spec.sub;
  if (spec.azp) claims["azp"] = *spec.azp;
  if (spec.iss) claims["iss"] = *spec.iss;
  // Clerk always names the session a token belongs to; tests that do not care still get one.
  claims["sid"] = spec.sid ? *spec.sid : crypto::random_id("sess_");
  if (spec.email) claims["email"] = *spec.email;
  if (spec.name) claims["name"] = *spec.name;
  claims["iat"] = now + spec.issued_at_offset;
  claims["nbf"] = now + spec.not_before_offset;
  claims["exp"] = now + spec.lifetime;
  return claims;
}

std::string mint_clerk_token(JwtSigner const& signer, ClerkTokenSpec const& spec, UnixSeconds now) {
  return signer.sign(clerk_claims(spec, now));
}

}  // namespace gatehouse::auth
