// Micro-benchmarks of the hot paths: session-token validation (hash + registry lookup), RS256
// JWT verification, and whoami's response body. Run: ./build/bench/gatehouse_micro_bench
#include "gatehouse/api/whoami_body.hpp"
#include "gatehouse/auth/api_key_format.hpp"
#include "gatehouse/auth/authenticator.hpp"
#include "gatehouse/auth/jwt_signer.hpp"
#include "gatehouse/auth/jwt_verifier.hpp"
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/crypto/random.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <vector>

#include <stdlib.h>

namespace {

using namespace gatehouse;

// What an Authenticator needs besides the sessions: a key registry, and the key-use
// write-behind with its (real, temporary) database, never touched on the measured path
// except by one batched write per second.
struct KeyParts {
  std::filesystem::path dir;
  std::unique_ptr<store::DbExecutor> db;
  auth::ApiKeyRegistry keys;
  std::unique_ptr<auth::ApiKeyUsage> usage;

  KeyParts() {
    std::string templ = (std::filesystem::temp_directory_path() / "gatehouse-bench-XXXXXX").string();
    dir = ::mkdtemp(templ.data());
    db = std::make_unique<store::DbExecutor>(dir / "bench.db", store::DatabaseOptions{});
    usage = std::make_unique<auth::ApiKeyUsage>(*db);
  }
  ~KeyParts() {
    usage.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
};

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
  KeyParts parts;
  auth::Authenticator authenticator(sessions.registry, parts.keys, *parts.usage, "gk_", nullptr, {});
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
  KeyParts parts;
  auth::Authenticator authenticator(sessions.registry, parts.keys, *parts.usage, "gk_", nullptr, {});
  std::string const header = "Bearer " + sessions.tokens[42];
  for (auto _ : state) {
    benchmark::DoNotOptimize(authenticator.caller(auth::PresentedCredentials{header, {}, {}}, now_unix()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BearerHeaderToSession);

// X-API-Key to a caller: shape and checksum, SHA-256, lookup, last-use bookkeeping.
void BM_ApiKeyHeaderToCaller(benchmark::State& state) {
  Sessions sessions(1);
  KeyParts parts;
  std::vector<std::string> keys;
  for (int i = 0; i < 100000; ++i) {
    auto minted = auth::mint_api_key("gk_");
    store::ApiKeyRecord r;
    r.id = crypto::random_id("k_");
    r.user_id = "p_bench";
    r.scopes = auth::Scopes::all().bits();
    r.key_hash = minted.hash;
    r.tail = minted.tail;
    parts.keys.add(r);
    keys.push_back(std::move(minted.text));
  }
  auth::Authenticator authenticator(sessions.registry, parts.keys, *parts.usage, "gk_", nullptr, {});
  std::size_t i = 0;
  for (auto _ : state) {
    std::string_view const key = keys[i++ % keys.size()];
    benchmark::DoNotOptimize(authenticator.caller(auth::PresentedCredentials{{}, key, {}}, now_unix()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApiKeyHeaderToCaller);

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

void BM_WhoamiResponseBody(benchmark::State& state) {
  auto session = std::make_shared<auth::Session>();
  session->id = "s_0123456789abcdef01234567";
  session->principal_id = "p_0123456789abcdef01234567";
  session->kind = store::PrincipalKind::user;
  session->expires_at = 2'000'000'000;
  auto const caller = auth::Caller::of_session(std::move(session));
  for (auto _ : state) {
    auto body = api::whoami_body(caller, 1'999'998'201);
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WhoamiResponseBody);

void BM_SessionTokenMinting(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(auth::mint_opaque_token(auth::session_token_prefix));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SessionTokenMinting);

}  // namespace

BENCHMARK_MAIN();
