#include "in_process_gatehouse.hpp"

#include "fuzz_check.hpp"

#include "gatehouse/api/cors.hpp"
#include "gatehouse/api/router.hpp"
#include "gatehouse/api/routes.hpp"
#include "gatehouse/app/components.hpp"
#include "gatehouse/auth/jwt_signer.hpp"
#include "gatehouse/util/clock.hpp"
#include "gatehouse/util/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/parse.hpp>

#include <unistd.h>

#include <exception>
#include <optional>
#include <vector>

namespace gatehouse::fuzz {

namespace asio = boost::asio;

namespace {

// tmpfs when there is one: the fuzzer writes often and durability is not what it tests.
std::filesystem::path make_temp_dir() {
  std::filesystem::path const base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  std::string pattern = (base / "gatehouse-fuzz-XXXXXX").string();
  FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

app::Config fuzz_config(std::filesystem::path const& dir) {
  app::Config config;
  config.db_path = dir / "gatehouse.db";
  config.jwks_url = "file://" + (std::filesystem::path(GATEHOUSE_FUZZ_KEY_DIR) / "fuzz_rs256.jwks.json").string();
  config.session_rate_limit = api::RateLimit{};
  config.failed_auth_rate_limit = api::RateLimit{};
  config.cors_origins = "https://app.example";
  config.log_level = log::Level::error;
  return config;
}

class FixedHeaders final : public api::HeaderSource {
 public:
  explicit FixedHeaders(std::vector<std::pair<std::string, std::string>> headers) : headers_(std::move(headers)) {}
  std::string_view get(std::string_view name) const override {
    for (auto const& [n, v] : headers_) {
      if (n == name) return v;
    }
    return {};
  }

 private:
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace

struct InProcessGatehouse::Parts {
  explicit Parts(std::filesystem::path const& dir)
      : config(fuzz_config(dir)),
        components(config, crypto::SecretBox::from_key_file(config.effective_secrets_key_path()), ioc.get_executor(),
                   blocking.get_executor(),
                   app::ComponentOptions{store::DatabaseOptions{std::chrono::milliseconds(5000), false}, true}),
        dispatcher(router, *api::CorsPolicy::parse(config.cors_origins), &components.services) {
    api::add_all_routes(router, components.services);
  }

  app::Config config;
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ioc);
  asio::thread_pool blocking{1};
  app::Components components;
  api::Router router;
  api::Dispatcher dispatcher;
};

InProcessGatehouse::InProcessGatehouse() : dir_(make_temp_dir()) {
  log::set_level(log::Level::error);
  parts_ = std::make_unique<Parts>(dir_);
  while (!parts_->components.jwks->current()) parts_->ioc.run_one();

  auto call = [this](api::Method method, std::string const& path, std::string const& authorization, std::string_view body) {
    FixedHeaders headers({{"Authorization", authorization}});
    api::Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.headers = &headers;
    req.client_address = "127.0.0.1";
    req.request_id = "fuzz-setup";
    auto response = dispatch(req);
    FUZZ_CHECK(response.status / 100 == 2);
    return boost::json::parse(response.body).as_object();
  };
  auto const signer = auth::JwtSigner::load(GATEHOUSE_FUZZ_KEY_DIR "/fuzz_rs256.pem");
  auth::ClerkTokenSpec spec;
  spec.sub = "user_fuzz";
  spec.email = "fuzz@example.com";
  spec.lifetime = 3600;
  clerk_jwt_ = auth::mint_clerk_token(signer, spec, now_unix());
  anonymous_session_ = call(api::Method::post, "/auth/anonymous", "", R"({"device_id":"fuzz-device"})")
                           .at("token").as_string().c_str();
  user_session_ = call(api::Method::post, "/auth/session", "Bearer " + clerk_jwt_, "").at("token").as_string().c_str();
  api_key_ = call(api::Method::post, "/me/keys", "Bearer " + user_session_,
                  R"({"name":"fuzz","scopes":["research.read","research.write","secrets.write","sessions.read"]})")
                 .at("key").as_string().c_str();
  research_id_ = call(api::Method::post, "/research", "Bearer " + anonymous_session_, R"({"title":"fuzz"})")
                     .at("id").as_string().c_str();
  call(api::Method::post, "/research/" + research_id_ + "/events", "Bearer " + anonymous_session_,
       R"({"event":"progress","data":{"pct":1}})");
}

InProcessGatehouse::~InProcessGatehouse() {
  parts_->components.jwks->stop();
  parts_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

api::Response InProcessGatehouse::dispatch(api::Request const& req) {
  std::optional<api::Response> response;
  std::exception_ptr error;
  asio::co_spawn(parts_->ioc, parts_->dispatcher.dispatch(req), [&](std::exception_ptr e, api::Response r) {
    error = e;
    response = std::move(r);
  });
  while (!response && !error) parts_->ioc.run_one();
  // The dispatcher promises never to throw: a thrown exception is a finding.
  FUZZ_CHECK(!error);
  return std::move(*response);
}

}  // namespace gatehouse::fuzz
