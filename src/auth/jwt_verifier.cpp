#include "gatehouse/auth/jwt_verifier.hpp"

#include "gatehouse/json/strict_json.hpp"

#include <boost/json/object.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace gatehouse::auth {

namespace {

constexpr std::size_t max_sub_size = 255;

struct MdCtxDeleter { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };

EVP_MD const* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

bool signature_holds(Jwt const& jwt, EVP_PKEY* key) {
  // PKCS#1 v1.5 signatures are exactly the modulus size; anything else is forged or mangled.
  if (static_cast<int>(jwt.signature.size()) != EVP_PKEY_get_size(key)) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, sha256_md(), nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<unsigned char const*>(jwt.signature.data()),
                          jwt.signature.size(),
                          reinterpret_cast<unsigned char const*>(jwt.signing_input.data()),
                          jwt.signing_input.size()) == 1;
}

// A NumericDate (RFC 7519 §2): a JSON number of seconds, possibly fractional.
enum class DateClaim { absent, malformed, present };
DateClaim numeric_date(boost::json::object const& claims, std::string_view name, UnixSeconds& out) {
  auto const* v = claims.if_contains(name);
  if (!v) return DateClaim::absent;
  if (v->is_int64()) {
    out = v->get_int64();
  } else if (v->is_uint64()) {
    out = std::numeric_limits<UnixSeconds>::max();
  } else if (v->is_double() && std::isfinite(v->get_double())) {
    double const d = std::floor(v->get_double());
    out = d >= 9.2e18 ? std::numeric_limits<UnixSeconds>::max()
        : d <= -9.2e18 ? std::numeric_limits<UnixSeconds>::min()
                       : static_cast<UnixSeconds>(d);
  } else {
    return DateClaim::malformed;
  }
  return DateClaim::present;
}

// Registered string claims must be strings when present.
enum class StringClaim { absent, malformed, present };
StringClaim string_claim(boost::json::object const& claims, std::string_view name, std::optional<std::string>& out) {
  auto const* v = claims.if_contains(name);
  if (!v) return StringClaim::absent;
  if (!v->is_string()) return StringClaim::malformed;
  out.emplace(v->get_string().data(), v->get_string().size());
  return StringClaim::present;
}

// Profile claims (email, name) are informative: a non-string is treated as absent.
std::optional<std::string> profile_claim(boost::json::object const& claims, std::string_view name) {
  auto const* v = claims.if_contains(name);
  if (!v || !v->is_string() || v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string().data(), v->get_string().size());
}

bool saturating_less(UnixSeconds a, UnixSeconds b_plus, UnixSeconds skew) {
  // a < b + skew without overflow
  return b_plus > std::numeric_limits<UnixSeconds>::max() - skew ? true : a < b_plus + skew;
}

}  // namespace

JwtVerification verify_jwt(Jwt const& jwt, Jwks const& jwks, JwtPolicy const& policy, UnixSeconds now) {
  JwtVerification result;
  auto fail = [&](JwtStatus s) {
    result.status = s;
    result.claims = {};
    return result;
  };

  EVP_PKEY* key = jwks.find(jwt.kid);
  if (!key) return fail(JwtStatus::unknown_kid);
  if (!signature_holds(jwt, key)) return fail(JwtStatus::bad_signature);

  auto payload = json::parse_strict(jwt.payload_json, nullptr, 16);
  if (!payload || !payload->is_object()) return fail(JwtStatus::bad_payload);
  auto const& claims = payload->get_object();

  UnixSeconds exp = 0, nbf = 0, iat = 0;
  switch (numeric_date(claims, "exp", exp)) {
    case DateClaim::absent: return fail(JwtStatus::missing_exp);
    case DateClaim::malformed: return fail(JwtStatus::bad_claim);
    case DateClaim::present: break;
  }
  auto const nbf_state = numeric_date(claims, "nbf", nbf);
  auto const iat_state = numeric_date(claims, "iat", iat);
  if (nbf_state == DateClaim::malformed || iat_state == DateClaim::malformed) return fail(JwtStatus::bad_claim);

  std::optional<std::string> iss, sub, azp, sid;
  for (auto [name, slot] : {std::pair{"iss", &iss}, {"sub", &sub}, {"azp", &azp}, {"sid", &sid}}) {
    if (string_claim(claims, name, *slot) == StringClaim::malformed) return fail(JwtStatus::bad_claim);
  }

  // The current time must be before exp (RFC 7519 §4.1.4), allowing the configured skew.
  if (!saturating_less(now, exp, policy.clock_skew)) return fail(JwtStatus::expired);
  if (nbf_state == DateClaim::present && !saturating_less(nbf, now, policy.clock_skew + 1)) {
    return fail(JwtStatus::not_yet_valid);
  }
  if (iat_state == DateClaim::present && !saturating_less(iat, now, policy.clock_skew + 1)) {
    return fail(JwtStatus::issued_in_future);
  }
  if (policy.issuer && (!iss || *iss != *policy.issuer)) return fail(JwtStatus::wrong_issuer);
  if (!policy.authorized_parties.empty() &&
      (!azp || std::find(policy.authorized_parties.begin(), policy.authorized_parties.end(), *azp) ==
                   policy.authorized_parties.end())) {
    return fail(JwtStatus::invalid_authorized_party);
  }
  if (!sub || sub->empty()) return fail(JwtStatus::missing_sub);
  if (sub->size() > max_sub_size) return fail(JwtStatus::bad_claim);

  result.claims.sub = std::move(*sub);
  result.claims.sid = std::move(sid);
  result.claims.azp = std::move(azp);
  result.claims.email = profile_claim(claims, "email");
  result.claims.name = profile_claim(claims, "name");
  result.claims.exp = exp;
  return result;
}

}  // namespace gatehouse::auth
