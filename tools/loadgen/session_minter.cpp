#include "loadgen/session_minter.hpp"

#include "loadgen/http_client.hpp"

#include "gatehouse/util/clock.hpp"

#include "gatehouse/net.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>

namespace gatehouse::loadgen {

namespace {

constexpr int max_attempts = 3;

std::optional<std::string> token_of(std::string const& body) {
  boost::system::error_code ec;
  auto const parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  auto const* token = parsed.get_object().if_contains("token");
  if (!token || !token->is_string() || token->get_string().empty()) return std::nullopt;
  return std::string(token->get_string());
}

asio::awaitable<HttpResult> mint_one(Run& run, HttpClient& client, std::size_t session) {
  std::size_t const principal = run.plan.principal_of_session(session);
  if (run.options.auth == AuthMode::anonymous) {
    std::string body = boost::json::serialize(boost::json::object{{"device_id", device_id_of(run, principal)}});
    co_return co_await client.request(http::verb::post, "/auth/anonymous", std::move(body), {}, run.connect_timeout());
  }
  auth::ClerkTokenSpec spec;
  spec.sub = jwt_subject_of(run, principal);
  spec.azp = run.options.azp;
  spec.iss = run.options.issuer;
  spec.name = "gatehouse-load";
  std::string jwt = auth::mint_clerk_token(*run.signer, spec, now_unix());
  co_return co_await client.request(http::verb::post, "/auth/session", {}, std::move(jwt), run.connect_timeout());
}

asio::awaitable<void> mint_worker(Run& run, std::size_t worker, std::shared_ptr<Pacer> pacer) {
  HttpClient client(co_await asio::this_coro::executor, run.target_of(worker).endpoint, run.sources[worker % run.sources.size()],
                    run.target_of(worker).host);
  for (;;) {
    std::size_t const session = pacer->take();
    if (session >= run.plan.sessions || run.stopping.load()) break;
    co_await sleep_until_ns(pacer->due_ns(session));
    for (int attempt = 1;; ++attempt) {
      std::uint64_t const sent = steady_ns();
      HttpResult const result = co_await mint_one(run, client, session);
      if (result.status == 200) {
        if (auto token = token_of(result.body)) {
          run.mint_rtt.record(steady_ns() - sent);
          run.tokens[session] = std::move(*token);
          run.stats.sessions_ok.fetch_add(1);
          break;
        }
      }
      if (result.retryable() && attempt < max_attempts && !run.stopping.load()) {
        auto const backoff = result.retry_after.count() > 0 ? std::chrono::milliseconds(std::min<long>(2000, result.retry_after.count() * 1000))
                                                            : std::chrono::milliseconds(100 * attempt);
        co_await sleep_for(backoff);
        continue;
      }
      run.stats.sessions_failed.fetch_add(1);
      run.stats.setup_failures.add("session: " + (result.status == 200 ? std::string("no token in the answer") : result.reason()));
      break;
    }
  }
}

}  // namespace

std::string device_id_of(Run const& run, std::size_t principal) {
  return "gatehouse-load-" + run.run_id + "-" + std::to_string(principal);
}

std::string jwt_subject_of(Run const& run, std::size_t principal) {
  return "user_load_" + run.run_id + "_" + std::to_string(principal);
}

asio::awaitable<void> mint_sessions(Run& run) {
  double const rate = run.options.session_rate;
  // Each worker has one request in flight; a mint round trip is a database commit (~ms).
  auto const workers = static_cast<std::size_t>(std::clamp(std::ceil(rate / 100.0), 1.0, 32.0));
  std::size_t const count = std::min(workers, run.plan.sessions);
  auto pacer = std::make_shared<Pacer>(rate, steady_ns());
  auto remaining = std::make_shared<std::atomic<std::size_t>>(count);
  for (std::size_t w = 0; w < count; ++w) {
    asio::co_spawn(run.pool.context(w), mint_worker(run, w, pacer), Finished{remaining, "session minting"});
  }
  while (remaining->load(std::memory_order_acquire) > 0) co_await sleep_for(std::chrono::milliseconds(10));
}

}  // namespace gatehouse::loadgen
