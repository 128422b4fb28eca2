#include "loadgen/research_setup.hpp"

#include "gatehouse/net.hpp"

#include "loadgen/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace gatehouse::loadgen {

namespace {

constexpr std::size_t workers = 8;
constexpr int max_attempts = 3;

std::optional<std::string> id_of(std::string const& body) {
  boost::system::error_code ec;
  auto const parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  auto const* id = parsed.get_object().if_contains("id");
  if (!id || !id->is_string() || id->get_string().empty()) return std::nullopt;
  return std::string(id->get_string());
}

asio::awaitable<void> create_worker(Run& run, std::size_t worker, std::shared_ptr<std::atomic<std::size_t>> next) {
  HttpClient client(co_await asio::this_coro::executor, run.target_of(worker).endpoint, run.sources[worker % run.sources.size()],
                    run.target_of(worker).host);
  for (;;) {
    std::size_t const item = next->fetch_add(1);
    if (item >= run.plan.research || run.stopping.load()) break;
    std::string const* token = run.principal_token(run.plan.owner_of_research(item));
    if (!token) {
      run.stats.research_failed.fetch_add(1);
      run.stats.setup_failures.add("research: its principal has no session");
      continue;
    }
    std::string const body = boost::json::serialize(
        boost::json::object{{"title", "gatehouse-load " + run.run_id + " #" + std::to_string(item)}});
    for (int attempt = 1;; ++attempt) {
      HttpResult const result = co_await client.request(http::verb::post, "/research", body, *token, run.connect_timeout());
      if (result.status == 201) {
        if (auto id = id_of(result.body)) {
          run.research_ids[item] = std::move(*id);
          run.stats.research_ok.fetch_add(1);
          break;
        }
      }
      if (result.retryable() && attempt < max_attempts && !run.stopping.load()) {
        co_await sleep_for(std::chrono::milliseconds(100 * attempt));
        continue;
      }
      run.stats.research_failed.fetch_add(1);
      run.stats.setup_failures.add("research: " + (result.status == 201 ? std::string("no id in the answer") : result.reason()));
      break;
    }
  }
}

}  // namespace

asio::awaitable<void> create_research(Run& run) {
  std::size_t const count = std::min(workers, run.plan.research);
  auto next = std::make_shared<std::atomic<std::size_t>>(0);
  auto remaining = std::make_shared<std::atomic<std::size_t>>(count);
  for (std::size_t w = 0; w < count; ++w) {
    asio::co_spawn(run.pool.context(w), create_worker(run, w, next), Finished{remaining, "research setup"});
  }
  while (remaining->load(std::memory_order_acquire) > 0) co_await sleep_for(std::chrono::milliseconds(10));
}

}  // namespace gatehouse::loadgen
