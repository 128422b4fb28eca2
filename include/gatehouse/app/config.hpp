#pragma once
// Run-time configuration: command-line flags, each with a GATEHOUSE_* environment equivalent
// (flags win over the environment, the environment over the embedded defaults).
#include "gatehouse/api/rate_limiter.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/util/log.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::app {

using api::RateLimit;

// "off", "0", "R" (burst 10 R) or "R:BURST"; nullopt when malformed.
std::optional<RateLimit> parse_rate_limit(std::string_view text);

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::filesystem::path db_path = "gatehouse.db";  // SQLite (the default engine)
  std::optional<std::string> db_uri;               // set: PostgreSQL (--db postgresql://...)
  std::string node_id;                             // empty: host name and port
  std::int64_t db_connections = 2;                 // PostgreSQL only: connections per node
  std::optional<std::string> jwks_url;
  std::optional<std::string> issuer;
  std::vector<std::string> authorized_parties;
  std::int64_t session_ttl = 1800;
  std::int64_t refresh_token_ttl = 30 * 86400;  // a refresh family's absolute lifetime
  std::int64_t clock_skew = 5;
  unsigned threads = 0;  // 0: one per core
  std::int64_t heartbeat = 15;
  bool dev = false;
  std::optional<std::filesystem::path> secrets_key_path;  // default: next to the database
  std::int64_t jwks_refresh = 300;
  std::int64_t jwks_min_refetch = 10;
  std::int64_t session_purge_grace = 3600;
  std::string api_key_prefix = "gk_";
  RateLimit session_rate_limit{10, 100};      // POST /auth/anonymous, /auth/session, /auth/rebind
  RateLimit failed_auth_rate_limit{10, 100};  // refused credentials
  std::string trusted_proxies;                // validated list; empty: X-Forwarded-For ignored
  std::size_t max_connections = 0;            // 0: derived from the file-descriptor limit
  std::string cors_origins;                   // validated list; empty: no cross-origin access
  std::int64_t request_timeout = 30;          // to receive one whole request (slow clients are dropped)
  std::optional<std::filesystem::path> tls_cert;  // PEM chain, leaf first; both or neither with tls_key
  std::optional<std::filesystem::path> tls_key;   // PEM private key
  log::Level log_level = log::Level::info;
  // The admin socket (gatehouse admin): nullopt means the default, <db>.admin.sock; an empty
  // path means disabled (--admin-socket '' or off).
  std::optional<std::filesystem::path> admin_socket;

  store::DatabaseLocation database() const;
  // Where files that live beside the database go (the secrets key, the dev key): the SQLite
  // file's directory, or the working directory with PostgreSQL.
  std::filesystem::path data_dir() const;
  std::filesystem::path effective_secrets_key_path() const;
  // Where the admin socket is, or nullopt when it is disabled.
  std::optional<std::filesystem::path> effective_admin_socket() const;
  bool tls() const { return tls_cert.has_value(); }
};

// A Unix socket's path must fit sockaddr_un::sun_path with its terminating NUL.
constexpr std::size_t max_unix_socket_path = 107;

// Where a setting's effective value came from, for --check-config.
struct Setting {
  std::string name;    // the flag, without "--"
  std::string value;   // as given (credentials in URLs masked); empty for a default
  std::string source;  // "default", "config file", "environment" or "flag"
};

struct ConfigParse {
  Config config;
  bool help = false;
  bool check = false;  // --check-config: validate, print the effective settings, exit
  std::string error;   // one line; non-empty means "exit non-zero"
  std::vector<Setting> settings;  // every flag, in --help order
};

using EnvLookup = std::function<std::optional<std::string>(std::string const&)>;

// Sources, weakest first: embedded defaults, the JSON config file (--config PATH or
// GATEHOUSE_CONFIG; keys are flag names), GATEHOUSE_* variables, flags.
ConfigParse parse_config(std::vector<std::string> const& args, EnvLookup const& env);

// The settings as --check-config prints them.
std::string describe_settings(std::vector<Setting> const& settings);

std::string usage();

}  // namespace gatehouse::app
