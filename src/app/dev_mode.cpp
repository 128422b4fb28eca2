#include "gatehouse/app/dev_mode.hpp"

#include "gatehouse/auth/jwt_signer.hpp"
#include "gatehouse/util/log.hpp"

#include <fstream>

namespace gatehouse::app {

std::filesystem::path prepare_dev_issuer(Config& config) {
  auto const dir = std::filesystem::absolute(config.data_dir());
  auto const key_path = dir / "gatehouse-dev-key.pem";
  auto const jwks_path = dir / "gatehouse-dev-jwks.json";
  bool const created = !std::filesystem::exists(key_path);
  auto const signer = created ? auth::JwtSigner::generate() : auth::JwtSigner::load(key_path);
  if (created) signer.save_private_key(key_path);
  {
    std::ofstream out(jwks_path, std::ios::trunc);
    out << signer.jwks_json() << "\n";
    if (!out) throw std::runtime_error("cannot write " + jwks_path.string());
  }
  if (!config.jwks_url) config.jwks_url = "file://" + jwks_path.string();
  log::warn("development mode: trusting a local signing key; never use --dev in production",
            {{"key", key_path.string()}, {"jwks", jwks_path.string()}, {"created", created}});
  return key_path;
}

}  // namespace gatehouse::app
