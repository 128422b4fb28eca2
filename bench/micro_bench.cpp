// Micro-benchmarks of the hot paths: session-token validation (hash + registry lookup), RS256
// JWT verification, and JSON response building. Run: ./build/bench/gatehouse_micro_bench
#include "gatehouse/api/response.hpp"
#include "gatehouse/auth/authenticator.hpp"
#include "gatehouse/auth/jwt_signer.hpp"
#include "gatehouse/auth/jwt_verifier.hpp"
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/crypto/random.hpp"

#include <benchmark/benchmark.h>
#include <boost/json/object.hpp>

#include <vector>

namespace {

using namespace gatehouse;

// A registry holding `n` sessions and the tokens that name them.
struct Sessions {
  auth::SessionRegistry registry;
  std::vector<std::string> tokens;

  explicit Sessions(std::size_t n) {
    UnixSeconds const now = now_unix();
    for (std::size_t i = 0; i < n; ++i) {
      auto token = auth::mint_opaque_token(auth::session_token_prefix);
      store::SessionRecord r;
      r.id = crypto::random_id("s_");
      r.token_hash = token.hash;
      r.principal_id = crypto::random_id("p_");
      r.created_at = now;
      r.expires_at = now + 1800;
      registry.add(r);
      tokens.push_back(std::move(token.text));
    }
  }
};

void BM_SessionTokenValidation(benchmark::State& state) {
  Sessions sessions(static_cast<std::size_t>(state.range(0)));
  auth::Authenticator authenticator(sessions.registry, nullptr, {});
  UnixSeconds const now = now_unix();
  std::size_t i = 0;
  for (auto _ : state) {
    std::string_view const token = sessions.tokens[i++ % sessions.tokens.size()];
    benchmark::DoNotOptimize(authenticator.session(token, now));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SessionTokenValidation)->Arg(1000)->Arg(100000)->Arg(1000000);

void BM_BearerHeaderToSession(benchmark::State& state) {
  Sessions sessions(100000);
  auth::Authenticator authenticator(sessions.registry, nullptr, {});
  std::string const header = "Bearer " + sessions.tokens[42];
  for (auto _ : state) {
    benchmark::DoNotOptimize(authenticator.session(auth::bearer_token(header), now_unix()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BearerHeaderToSession);

void BM_JwtRs256Verification(benchmark::State& state) {
  auto const signer = auth::JwtSigner::generate(2048);
  auto parsed = auth::Jwks::parse(signer.jwks_json());
  auto const& jwks = std::get<auth::Jwks>(parsed);
  auth::ClerkTokenSpec spec;
  spec.sub = "user_bench";
  spec.azp = "https://app.example.com";
  spec.iss = "https://clerk.example.com";
  std::string const token = auth::mint_clerk_token(signer, spec, now_unix());
  auth::JwtPolicy const policy{spec.iss, {*spec.azp}, 5};
  for (auto _ : state) {
    auto jwt = auth::parse_jwt(token);
    auto result = auth::verify_jwt(std::get<auth::Jwt>(jwt), jwks, policy, now_unix());
    if (result.status != auth::JwtStatus::ok) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JwtRs256Verification);

void BM_WhoamiResponseJson(benchmark::State& state) {
  for (auto _ : state) {
    auto r = api::json_response(200, boost::json::object{{"principal_id", "p_0123456789abcdef01234567"},
                                                         {"kind", "user"},
                                                         {"session_id", "s_0123456789abcdef01234567"},
                                                         {"expires_in", 1799}});
    benchmark::DoNotOptimize(r.body.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WhoamiResponseJson);

void BM_SessionTokenMinting(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(auth::mint_opaque_token(auth::session_token_prefix));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SessionTokenMinting);

}  // namespace

BENCHMARK_MAIN();
