#include "support/gatehouse_fixture.hpp"

#include "gatehouse/util/clock.hpp"

namespace gatehouse::testing {

namespace {
// RSA key generation takes tens of milliseconds: one key per test process is plenty.
auth::JwtSigner const& shared_signer() {
  static auth::JwtSigner const signer = auth::JwtSigner::generate();
  return signer;
}
}  // namespace

auth::JwtSigner const& GatehouseTest::other_signer() {
  static auth::JwtSigner const signer = auth::JwtSigner::generate();
  return signer;
}

GatehouseTest::GatehouseTest()
    : jwks_host_(std::make_unique<net::StaticHttpServer>()), signer_(&shared_signer()) {
  jwks_host_->set(jwks_path, signer_->jwks_json());
}

GatehouseTest::~GatehouseTest() { stop_server(); }

void GatehouseTest::start(std::vector<std::string> extra_args) {
  stop_server();
  std::vector<std::string> args{"--db",      db_path().string(), "--jwks-url", jwks_host_->url(jwks_path),
                                "--issuer",  issuer,             "--authorized-parties", authorized_party,
                                "--threads", "2"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  last_args_ = args;
  server_ = std::make_unique<ServerProcess>(args, dir_.path());
}

void GatehouseTest::restart() {
  stop_server();
  server_ = std::make_unique<ServerProcess>(last_args_, dir_.path());
}

void GatehouseTest::stop_server() {
  if (server_ && server_->running()) server_->stop();
}

std::string GatehouseTest::mint_jwt(std::string const& sub, auth::ClerkTokenSpec spec) const {
  spec.sub = sub;
  if (!spec.iss) spec.iss = issuer;
  if (!spec.azp) spec.azp = authorized_party;
  return auth::mint_clerk_token(*signer_, spec, now_unix());
}

std::string GatehouseTest::user_session(std::string const& sub) {
  auto const res = http(port(), "POST", "/auth/session", {}, {{"Authorization", "Bearer " + mint_jwt(sub)}});
  EXPECT_EQ(res.status, 200) << res.body;
  return std::string(res.json().at("token").as_string());
}

std::string GatehouseTest::anonymous_session(std::string const& device_id) {
  auto const res = post(port(), "/auth/anonymous", R"({"device_id":")" + device_id + R"("})");
  EXPECT_EQ(res.status, 200) << res.body;
  return std::string(res.json().at("token").as_string());
}

std::string GatehouseTest::principal_of(std::string const& token) {
  auto const res = get(port(), "/auth/whoami", token);
  EXPECT_EQ(res.status, 200) << res.body;
  return std::string(res.json().at("principal_id").as_string());
}

}  // namespace gatehouse::testing
