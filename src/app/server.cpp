#include "gatehouse/app/server.hpp"

#include "gatehouse/api/dispatcher.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/app/components.hpp"
#include "gatehouse/app/dev_mode.hpp"
#include "gatehouse/app/maintenance.hpp"
#include "gatehouse/app/metrics_collectors.hpp"
#include "gatehouse/net.hpp"
#include "gatehouse/net/admin_socket.hpp"
#include "gatehouse/net/listener.hpp"
#include "gatehouse/net/tls_context.hpp"
#include "gatehouse/streams/subscription.hpp"
#include "gatehouse/util/log.hpp"
#include "gatehouse/util/spawn.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <thread>

#include <sys/resource.h>

namespace gatehouse::app {

using asio::ip::tcp;

namespace {

constexpr auto shutdown_deadline = std::chrono::seconds(10);

tcp::endpoint resolve_listen_address(asio::io_context& ioc, Config const& config) {
  boost::system::error_code ec;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(config.listen_host, std::to_string(config.listen_port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve listen address " + config.listen_host + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

void open_acceptor(tcp::acceptor& acceptor, tcp::endpoint const& endpoint, Config const& config) {
  boost::system::error_code ec;
  std::string const where = config.listen_host + ":" + std::to_string(config.listen_port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
}

// Each connection is a file descriptor: take the most the system allows (as nginx's
// worker_rlimit_nofile does) and keep some for the database, the log and the JWKS fetches.
std::size_t default_max_connections() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  constexpr rlim_t reserve = 128;
  if (limit.rlim_cur == RLIM_INFINITY) return 1'000'000;
  return limit.rlim_cur > 2 * reserve ? static_cast<std::size_t>(limit.rlim_cur - reserve) : 64;
}

std::unique_ptr<net::AdminSocket> open_admin_socket(asio::io_context& ioc, Config const& config) {
  auto const path = config.effective_admin_socket();
  if (!path) return nullptr;
  // Only the default can be too long (a given path is checked with the flags): a deep database
  // path must not stop a server that never asked for an admin socket.
  if (path->string().size() > max_unix_socket_path) {
    log::warn("admin socket disabled: its default path is too long for a Unix socket; set --admin-socket",
              {{"path", path->string()}});
    return nullptr;
  }
  return std::make_unique<net::AdminSocket>(ioc, *path);
}

}  // namespace

void run_server(Config config) {
  log::set_level(config.log_level);
  if (config.dev) prepare_dev_issuer(config);
  auto secret_box = crypto::SecretBox::from_key_file(config.effective_secrets_key_path());

  // Declaration order is destruction order reversed: the database thread drains and stops
  // before the io_context (and the coroutine frames its queued work refers to) goes away.
  asio::io_context ioc(static_cast<int>(config.threads));
  asio::thread_pool blocking(1);  // file reads that must not run on a network thread
  Components parts(config, std::move(secret_box), ioc.get_executor(), blocking.get_executor());
  if (!parts.jwks) {
    log::warn("no --jwks-url: Clerk JWTs cannot be verified, JWT routes answer 503 (use --dev to try it locally)");
  }
  api::Router router;
  api::add_all_routes(router, parts.services);
  // CORS origins were validated with the flags.
  api::Dispatcher dispatcher(router, *api::CorsPolicy::parse(config.cors_origins), &parts.services);
  net::ConnectionRegistry connections;
  // Declared after what they read, so they are unregistered before it goes away.
  auto const metrics_collectors = register_metrics_collectors(connections, parts.streams, parts.hub, parts.jwks.get());
  streams::SubscriptionContext subscriptions{parts.db, parts.hub, parts.streams, parts.extender};
  subscriptions.heartbeat = std::chrono::seconds(config.heartbeat);
  net::StreamContext stream_context{subscriptions, connections};
  stream_context.heartbeat = subscriptions.heartbeat;
  std::atomic<bool> stopping{false};

  // Loaded before listening: an unreadable or mismatched certificate is a start-up error.
  std::unique_ptr<net::TlsCertificate> tls;
  if (config.tls()) tls = std::make_unique<net::TlsCertificate>(*config.tls_cert, *config.tls_key);

  tcp::acceptor acceptor(ioc);
  open_acceptor(acceptor, resolve_listen_address(ioc, config), config);
  // The admin routes have their own router and listen on the Unix socket only: nothing on the
  // TCP listener can reach them.
  api::Router admin_router;
  api::add_admin_routes(admin_router, parts.services);
  api::Dispatcher admin_dispatcher(admin_router);
  std::unique_ptr<net::AdminSocket> admin_socket = open_admin_socket(ioc, config);
  // Before the "listening" line: a supervisor may signal as soon as it reads it.
  asio::steady_timer deadline(ioc);
  asio::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      signals.async_wait(on_signal);
      if (!tls) {
        log::info("SIGHUP: no TLS certificate to reload");
        return;
      }
      // Reading files is blocking work: not on a network thread.
      asio::post(blocking, [&tls] {
        if (auto const failure = tls->reload(); failure.empty()) {
          log::info("TLS certificate reloaded", {{"cert", tls->cert_path().string()}});
        } else {
          log::error("TLS certificate reload failed; keeping the current one", {{"error", failure}});
        }
      });
      return;
    }
    log::info("stopping", {{"signal", signal}, {"connections", connections.active()}});
    stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    if (admin_socket) admin_socket->close();
    if (parts.jwks) parts.jwks->stop();
    // The flag first: a stream registering concurrently either sees it or is closed here.
    connections.shutdown([&ioc] { ioc.stop(); });
    parts.streams.close_all(streams::CloseReason::shutdown);  // WS 1001, SSE end of stream
    deadline.expires_after(shutdown_deadline);
    deadline.async_wait([&ioc](boost::system::error_code e) {
      if (!e) ioc.stop();
    });
  };
  signals.async_wait(on_signal);

  net::HttpLimits http_limits;
  http_limits.max_connections = config.max_connections != 0 ? config.max_connections : default_max_connections();
  http_limits.request_timeout = std::chrono::seconds(config.request_timeout);
  auto const bound = acceptor.local_endpoint();
  log::info("listening", {{"scheme", tls ? "https" : "http"},
                          {"host", bound.address().to_string()},
                          {"port", static_cast<std::int64_t>(bound.port())},
                          {"threads", config.threads},
                          {"max_connections", http_limits.max_connections},
                          {"db", config.database().describe()},
                          {"sessions", parts.sessions.size()},
                          {"schema_version", parts.db.schema_version()},
                          {"admin_socket", admin_socket ? admin_socket->path().string() : std::string("off")}});

  asio::co_spawn(ioc, net::accept_connections(acceptor, dispatcher, stream_context, http_limits, tls.get()),
                 report_failures("listener"));
  if (admin_socket) {
    asio::co_spawn(ioc, net::accept_admin_connections(*admin_socket, admin_dispatcher, http_limits),
                   report_failures("admin listener"));
  }
  asio::co_spawn(ioc, run_maintenance(parts, std::chrono::seconds(config.session_purge_grace), stopping),
                 report_failures("maintenance"));
  asio::co_spawn(ioc, parts.extender.run(stopping), report_failures("session extensions"));
  asio::co_spawn(ioc, parts.api_key_usage.run(stopping), report_failures("api key usage"));

  std::vector<std::thread> threads;
  for (unsigned i = 1; i < config.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  parts.extender.flush_blocking();
  parts.api_key_usage.flush_blocking();
  log::info("stopped");
}

}  // namespace gatehouse::app
