#include "gatehouse/auth/jwks_provider.hpp"

#include "gatehouse/client/http_client.hpp"
#include "gatehouse/net.hpp"
#include "gatehouse/util/log.hpp"
#include "gatehouse/util/spawn.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fstream>
#include <sstream>

namespace gatehouse::auth {

using Clock = std::chrono::steady_clock;

namespace {

// A coroutine with parameters rather than a capturing coroutine lambda: GCC 12 miscompiles
// captures of coroutine lambdas spawned from inside another coroutine.
asio::awaitable<std::string> read_small_file(std::string path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string body(max_jwks_size + 1, '\0');
  in.read(body.data(), static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<std::size_t>(in.gcount()));
  co_return body;
}

}  // namespace

struct JwksProvider::State {
  State(asio::any_io_executor network, asio::any_io_executor blocking_executor, JwksProviderOptions opts)
      : strand(asio::make_strand(network)),
        blocking(std::move(blocking_executor)),
        options(std::move(opts)),
        loop_timer(strand) {}

  asio::strand<asio::any_io_executor> strand;
  asio::any_io_executor blocking;
  JwksProviderOptions options;

  mutable std::mutex mutex;  // guards keys and status, read from every thread
  std::shared_ptr<Jwks const> keys;
  JwksStatus status;

  // Touched on the strand only.
  bool stopped = false;
  std::shared_ptr<asio::steady_timer> inflight;  // set while a fetch runs; cancelled to wake waiters
  bool last_fetch_ok = false;
  std::optional<Clock::time_point> last_fetch_start;
  asio::steady_timer loop_timer;

  asio::awaitable<std::string> read_document() {
    if (options.url.scheme == "file") {
      co_return co_await asio::co_spawn(blocking, read_small_file(options.url.target), asio::use_awaitable);
    }
    auto result = co_await client::http_get(options.url, options.fetch_timeout, max_jwks_size);
    if (result.status != 200) throw std::runtime_error("HTTP status " + std::to_string(result.status));
    co_return std::move(result.body);
  }

  asio::awaitable<bool> fetch_now() {
    UnixSeconds const attempt = now_unix();
    std::string error;
    std::shared_ptr<Jwks const> loaded;
    try {
      std::string const body = co_await read_document();
      auto parsed = Jwks::parse(body);
      if (auto* reason = std::get_if<std::string>(&parsed)) throw std::runtime_error(*reason);
      auto jwks = std::make_shared<Jwks const>(std::move(std::get<Jwks>(parsed)));
      if (jwks->size() == 0) throw std::runtime_error("JWKS holds no usable RS256 signing key");
      loaded = std::move(jwks);
    } catch (std::exception const& e) {
      error = e.what();
    }
    std::lock_guard lock(mutex);
    status.last_attempt = attempt;
    ++status.fetches;
    if (!loaded) {
      status.last_error = error;
      ++status.failures;
      log::warn("JWKS fetch failed", {{"error", error}, {"keys_kept", status.keys}});
      co_return false;
    }
    bool const first = !keys;
    keys = loaded;
    status.loaded = true;
    status.keys = loaded->size();
    status.last_success = attempt;
    status.last_error.clear();
    if (first) log::info("JWKS loaded", {{"keys", loaded->size()}});
    co_return true;
  }

  // On the strand: joins a fetch under way, or runs one.
  asio::awaitable<bool> fetch_shared() {
    if (inflight) {
      auto timer = inflight;
      co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
      co_return last_fetch_ok;
    }
    inflight = std::make_shared<asio::steady_timer>(strand, Clock::time_point::max());
    last_fetch_start = Clock::now();
    bool const ok = co_await fetch_now();
    last_fetch_ok = ok;
    auto timer = std::move(inflight);
    inflight.reset();
    timer->cancel();
    co_return ok;
  }

  // Static with the owner passed in: the state lives as long as the loop does.
  static asio::awaitable<void> loop(std::shared_ptr<State> self) { co_await self->loop_body(); }

  static asio::awaitable<bool> refetch_if_allowed(std::shared_ptr<State> self) {
    if (self->stopped) co_return false;
    if (!self->inflight && self->last_fetch_start &&
        Clock::now() - *self->last_fetch_start < self->options.min_refetch_interval) {
      co_return false;
    }
    co_return co_await self->fetch_shared();
  }

  asio::awaitable<void> loop_body() {
    auto backoff = std::chrono::seconds(1);
    while (!stopped) {
      bool const ok = co_await fetch_shared();
      std::chrono::seconds wait = options.refresh_interval;
      if (ok) {
        backoff = std::chrono::seconds(1);
      } else {
        wait = backoff;
        backoff = std::min(backoff * 2, options.max_backoff);
      }
      if (stopped) break;
      loop_timer.expires_after(wait);
      co_await loop_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
};

JwksProvider::JwksProvider(asio::any_io_executor network, asio::any_io_executor blocking,
                           JwksProviderOptions options)
    : state_(std::make_shared<State>(std::move(network), std::move(blocking), std::move(options))) {}

JwksProvider::~JwksProvider() { stop(); }

void JwksProvider::start() {
  asio::co_spawn(state_->strand, State::loop(state_), report_failures("jwks refresh"));
}

void JwksProvider::stop() {
  asio::post(state_->strand, [s = state_] {
    s->stopped = true;
    s->loop_timer.cancel();
  });
}

std::shared_ptr<Jwks const> JwksProvider::current() const {
  std::lock_guard lock(state_->mutex);
  return state_->keys;
}

asio::awaitable<bool> JwksProvider::refetch_for_unknown_kid() {
  co_return co_await asio::co_spawn(state_->strand, State::refetch_if_allowed(state_), asio::use_awaitable);
}

JwksStatus JwksProvider::status() const {
  std::lock_guard lock(state_->mutex);
  return state_->status;
}

}  // namespace gatehouse::auth
