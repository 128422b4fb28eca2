#pragma once
// Run-time configuration: command-line flags, each with a GATEHOUSE_* environment equivalent
// (flags win over the environment, the environment over the embedded defaults).
#include "gatehouse/util/log.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse {

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::filesystem::path db_path = "gatehouse.db";
  std::optional<std::string> jwks_url;
  std::optional<std::string> issuer;
  std::vector<std::string> authorized_parties;
  std::int64_t session_ttl = 1800;
  std::int64_t clock_skew = 5;
  unsigned threads = 0;  // 0: one per core
  std::int64_t heartbeat = 15;
  bool dev = false;
  std::optional<std::filesystem::path> secrets_key_path;  // default: next to the database
  std::int64_t jwks_refresh = 300;
  std::int64_t jwks_min_refetch = 10;
  std::int64_t session_purge_grace = 3600;
  std::string api_key_prefix = "gk_";
  log::Level log_level = log::Level::info;

  std::filesystem::path data_dir() const;
  std::filesystem::path effective_secrets_key_path() const;
};

struct ConfigParse {
  Config config;
  bool help = false;
  std::string error;  // one line; non-empty means "exit non-zero"
};

using EnvLookup = std::function<std::optional<std::string>(std::string const&)>;

ConfigParse parse_config(std::vector<std::string> const& args, EnvLookup const& env);

std::string usage();

}  // namespace gatehouse
