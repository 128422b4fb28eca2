#include "gatehouse/app/config.hpp"

#include "gatehouse/api/client_address.hpp"
#include "gatehouse/api/cors.hpp"
#include "gatehouse/auth/api_key_format.hpp"

#include "gatehouse/client/url.hpp"

#include "gatehouse/json/strict_json.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <thread>

namespace gatehouse::app {

namespace {

struct Flag {
  char const* name;    // without the leading "--"
  char const* env;     // GATEHOUSE_*
  char const* value;   // metavariable, or nullptr for a switch
  char const* help;
  std::function<std::string(Config&, std::string const&)> apply;  // returns an error or ""
};

// user:password@ in a URL is a credential: never printed.
std::string masked(std::string const& value) {
  auto const scheme = value.find("://");
  if (scheme == std::string::npos) return value;
  auto const at = value.find('@', scheme + 3);
  auto const slash = value.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return value;
  return value.substr(0, scheme + 3) + "****" + value.substr(at);
}

std::string parse_int(std::string const& text, std::int64_t min, std::int64_t max, std::int64_t& out) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return "expects an integer, got \"" + text + "\"";
  if (value < min || value > max) {
    return "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text;
  }
  out = value;
  return {};
}

std::string parse_listen(Config& c, std::string const& text) {
  auto const colon = text.rfind(':');
  if (colon == std::string::npos) return "expects HOST:PORT, got \"" + text + "\"";
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return "expects HOST:PORT, got \"" + text + "\"";
  std::int64_t port = 0;
  if (auto e = parse_int(text.substr(colon + 1), 0, 65535, port); !e.empty()) return "port " + e;
  c.listen_host = host;
  c.listen_port = static_cast<std::uint16_t>(port);
  return {};
}

// The parser of a RATE[:BURST] flag that sets `field`.
std::function<std::string(Config&, std::string const&)> rate_limit_into(RateLimit Config::*field) {
  return [field](Config& c, std::string const& v) -> std::string {
    auto limit = parse_rate_limit(v);
    if (!limit) return "expects RATE[:BURST] or off, got \"" + v + "\"";
    c.*field = *limit;
    return {};
  };
}

std::vector<std::string> split_list(std::string const& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto const comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto const first = item.find_first_not_of(" \t");
    auto const last = item.find_last_not_of(" \t");
    if (first != std::string::npos) out.push_back(item.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<Flag> const& flags() {
  static std::vector<Flag> const all = {
      {"listen", "GATEHOUSE_LISTEN", "HOST:PORT", "address to serve on (default 127.0.0.1:8080; port 0 picks a free one)",
       parse_listen},
      {"db", "GATEHOUSE_DB", "PATH|URI",
       "SQLite database file, created if absent (default gatehouse.db); or a PostgreSQL URI "
       "(postgresql://user@host/dbname) for several nodes on one database",
       [](Config& c, std::string const& v) -> std::string {
         if (v.empty()) return "expects a path or a postgresql:// URI";
         auto const location = store::DatabaseLocation::parse(v);
         if (location.engine == store::Engine::postgresql) {
           c.db_uri = v;
         } else {
           c.db_path = v;
           c.db_uri.reset();
         }
         return {};
       }},
      {"node-id", "GATEHOUSE_NODE_ID", "NAME", "this node's name in logs and metrics (default: host name and port)",
       [](Config& c, std::string const& v) -> std::string {
         if (v.empty() || v.size() > 64) return "expects 1 to 64 characters";
         for (char ch : v) {
           if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                 ch == '_' || ch == '.' || ch == ':')) {
             return "expects letters, digits and - _ . :";
           }
         }
         c.node_id = v;
         return {};
       }},
      {"db-connections", "GATEHOUSE_DB_CONNECTIONS", "N",
       "PostgreSQL connections per node, each with its own database thread (default 2; SQLite has one)",
       [](Config& c, std::string const& v) { return parse_int(v, 1, 64, c.db_connections); }},
      {"jwks-url", "GATEHOUSE_JWKS_URL", "URL", "Clerk JWKS: https://..., http://... or file:///...",
       [](Config& c, std::string const& v) -> std::string {
         if (!client::parse_url(v)) return "expects an https://, http:// or file:/// URL, got \"" + masked(v) + "\"";
         c.jwks_url = v;
         return {};
       }},
      {"issuer", "GATEHOUSE_ISSUER", "ISS", "required JWT iss (default: not checked)",
       [](Config& c, std::string const& v) -> std::string {
         if (v.empty()) return "expects a non-empty issuer";
         c.issuer = v;
         return {};
       }},
      {"authorized-parties", "GATEHOUSE_AUTHORIZED_PARTIES", "A,B", "accepted JWT azp values (default: azp not checked)",
       [](Config& c, std::string const& v) -> std::string {
         c.authorized_parties = split_list(v);
         if (c.authorized_parties.empty()) return "expects a comma-separated list";
         return {};
       }},
      {"session-ttl", "GATEHOUSE_SESSION_TTL", "SECONDS", "session lifetime (default 1800)",
       [](Config& c, std::string const& v) { return parse_int(v, 1, 365LL * 86400, c.session_ttl); }},
      {"refresh-token-ttl", "GATEHOUSE_REFRESH_TOKEN_TTL", "SECONDS",
       "refresh family lifetime from its sign-in, not extended by rotation (default 2592000, 30 days)",
       [](Config& c, std::string const& v) { return parse_int(v, 1, 10LL * 365 * 86400, c.refresh_token_ttl); }},
      {"clock-skew", "GATEHOUSE_CLOCK_SKEW", "SECONDS", "leeway for JWT exp/nbf/iat (default 5)",
       [](Config& c, std::string const& v) { return parse_int(v, 0, 300, c.clock_skew); }},
      {"threads", "GATEHOUSE_THREADS", "N", "network threads (default: one per core)",
       [](Config& c, std::string const& v) {
         std::int64_t n = 0;
         auto e = parse_int(v, 1, 256, n);
         c.threads = static_cast<unsigned>(n);
         return e;
       }},
      {"heartbeat", "GATEHOUSE_HEARTBEAT", "SECONDS", "stream keepalive interval (default 15)",
       [](Config& c, std::string const& v) { return parse_int(v, 1, 3600, c.heartbeat); }},
      {"secrets-key", "GATEHOUSE_SECRETS_KEY", "PATH",
       "AES-256-GCM key file for stored secrets, created with mode 0600 if absent "
       "(default: gatehouse-secrets.key next to the database)",
       [](Config& c, std::string const& v) -> std::string {
         if (v.empty()) return "expects a path";
         c.secrets_key_path = v;
         return {};
       }},
      {"jwks-refresh", "GATEHOUSE_JWKS_REFRESH", "SECONDS", "periodic JWKS refresh (default 300)",
       [](Config& c, std::string const& v) { return parse_int(v, 1, 86400, c.jwks_refresh); }},
      {"jwks-min-refetch", "GATEHOUSE_JWKS_MIN_REFETCH", "SECONDS",
       "at most one JWKS refetch per this interval on unknown kids (default 10)",
       [](Config& c, std::string const& v) { return parse_int(v, 0, 86400, c.jwks_min_refetch); }},
      {"session-purge-grace", "GATEHOUSE_SESSION_PURGE_GRACE", "SECONDS",
       "keep expired/revoked sessions this long before purging, so they answer \"Token expired\" (default 3600)",
       [](Config& c, std::string const& v) { return parse_int(v, 0, 30LL * 86400, c.session_purge_grace); }},
      {"api-key-prefix", "GATEHOUSE_API_KEY_PREFIX", "PREFIX",
       "prefix of new API keys, 2-16 characters of a-z 0-9 _ ending in _ (default gk_)",
       [](Config& c, std::string const& v) -> std::string {
         if (!auth::valid_api_key_prefix(v)) {
           return "expects 2-16 characters of a-z 0-9 _ ending in _ (not gs_ or gt_), got \"" + v + "\"";
         }
         c.api_key_prefix = v;
         return {};
       }},
      {"session-rate-limit", "GATEHOUSE_SESSION_RATE_LIMIT", "RATE[:BURST]",
       "per client: session creations (anonymous, JWT exchange, rebind) per second, and burst "
       "(default 10:100; off disables)",
       rate_limit_into(&Config::session_rate_limit)},
      {"failed-auth-rate-limit", "GATEHOUSE_FAILED_AUTH_RATE_LIMIT", "RATE[:BURST]",
       "per client: refused credentials per second, and burst, before every authenticated request answers 429 "
       "(default 10:100; off disables)",
       rate_limit_into(&Config::failed_auth_rate_limit)},
      {"trusted-proxies", "GATEHOUSE_TRUSTED_PROXIES", "CIDR,CIDR",
       "reverse proxies whose X-Forwarded-For names the client (default: none, the header is ignored)",
       [](Config& c, std::string const& v) -> std::string {
         if (!api::TrustedProxies::parse(v)) return "expects addresses or CIDR blocks, got \"" + v + "\"";
         c.trusted_proxies = v;
         return {};
       }},
      {"max-connections", "GATEHOUSE_MAX_CONNECTIONS", "N",
       "open connections (streams included) before new ones get 503 (default: the file-descriptor limit, "
       "raised to its hard maximum at start, less 128)",
       [](Config& c, std::string const& v) -> std::string {
         std::int64_t n = 0;
         auto e = parse_int(v, 1, 10'000'000, n);
         c.max_connections = static_cast<std::size_t>(n);
         return e;
       }},
      {"cors-origins", "GATEHOUSE_CORS_ORIGINS", "ORIGIN,ORIGIN",
       "browser origins allowed to call the API cross-origin, e.g. https://app.example.com (default: none)",
       [](Config& c, std::string const& v) -> std::string {
         if (!api::CorsPolicy::parse(v)) {
           return "expects comma-separated origins like https://app.example.com (lower case, no path), got \"" + v + "\"";
         }
         c.cors_origins = v;
         return {};
       }},
      {"request-timeout", "GATEHOUSE_REQUEST_TIMEOUT", "SECONDS",
       "to receive one whole request, headers and body; slower clients are dropped (default 30)",
       [](Config& c, std::string const& v) { return parse_int(v, 1, 3600, c.request_timeout); }},
      {"tls-cert", "GATEHOUSE_TLS_CERT", "PATH",
       "serve HTTPS and WSS only, with this PEM certificate chain (leaf first); needs --tls-key; "
       "re-read with the key on SIGHUP",
       [](Config& c, std::string const& v) -> std::string {
         if (v.empty()) return "expects a path";
         c.tls_cert = v;
         return {};
       }},
      {"tls-key", "GATEHOUSE_TLS_KEY", "PATH", "the PEM private key of --tls-cert",
       [](Config& c, std::string const& v) -> std::string {
         if (v.empty()) return "expects a path";
         c.tls_key = v;
         return {};
       }},
      {"log-level", "GATEHOUSE_LOG_LEVEL", "LEVEL", "debug, info, warn, error or off (default info)",
       [](Config& c, std::string const& v) -> std::string {
         if (!log::parse_level(v, c.log_level)) return "expects debug, info, warn, error or off, got \"" + v + "\"";
         return {};
       }},
      {"admin-socket", "GATEHOUSE_ADMIN_SOCKET", "PATH",
       "Unix socket for gatehouse admin, mode 0600 (default: the database path + .admin.sock; '' or off disables)",
       [](Config& c, std::string const& v) -> std::string {
         if (v.empty() || v == "off") {
           c.admin_socket = std::filesystem::path();
           return {};
         }
         if (v.size() > max_unix_socket_path) {
           return "expects a path of at most " + std::to_string(max_unix_socket_path) + " bytes, got " +
                  std::to_string(v.size());
         }
         c.admin_socket = v;
         return {};
       }},
      {"dev", "GATEHOUSE_DEV", nullptr,
       "development mode: create and trust a local signing key (gatehouse-dev-key.pem next to the database)",
       [](Config& c, std::string const& v) -> std::string {
         if (v == "1" || v == "true" || v == "yes") {
           c.dev = true;
         } else if (v == "0" || v == "false" || v == "no" || v.empty()) {
           c.dev = false;
         } else {
           return "expects true or false, got \"" + v + "\"";
         }
         return {};
       }},
  };
  return all;
}

}  // namespace

namespace {

std::optional<double> rate_number(std::string_view s) {
  double value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !(value >= 0) || value > 1e6) return std::nullopt;
  return value;
}

}  // namespace

std::optional<RateLimit> parse_rate_limit(std::string_view text) {
  if (text == "off" || text == "0") return RateLimit{};
  auto const colon = text.find(':');
  auto const rate = rate_number(text.substr(0, colon));
  if (!rate || *rate == 0) return std::nullopt;
  if (colon == std::string_view::npos) return RateLimit{*rate, std::max(1.0, 10 * *rate)};
  auto const burst = rate_number(text.substr(colon + 1));
  if (!burst || *burst < 1) return std::nullopt;
  return RateLimit{*rate, *burst};
}

store::DatabaseLocation Config::database() const {
  if (db_uri) return store::DatabaseLocation::parse(*db_uri);
  return store::DatabaseLocation(db_path);
}

std::filesystem::path Config::data_dir() const {
  if (db_uri) return ".";
  auto const parent = db_path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

std::filesystem::path Config::effective_secrets_key_path() const {
  return secrets_key_path ? *secrets_key_path : data_dir() / "gatehouse-secrets.key";
}

std::optional<std::filesystem::path> Config::effective_admin_socket() const {
  if (!admin_socket) return db_uri ? std::filesystem::path("gatehouse.admin.sock")
                                   : std::filesystem::path(db_path.string() + ".admin.sock");
  if (admin_socket->empty()) return std::nullopt;
  return *admin_socket;
}

namespace {

Flag const* find_flag(std::string const& name) {
  for (auto const& f : flags()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

// A JSON value as the text a flag would take: strings as they are, numbers and booleans
// spelled out, arrays of strings comma-joined.
std::optional<std::string> flag_text(boost::json::value const& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) {
    auto text = boost::json::serialize(v);
    return text;
  }
  if (v.is_array()) {
    std::string out;
    for (auto const& item : v.get_array()) {
      if (!item.is_string()) return std::nullopt;
      if (!out.empty()) out += ",";
      out += std::string(item.get_string());
    }
    return out;
  }
  return std::nullopt;
}

// Applies the config file; returns an error line or "".
std::string apply_config_file(std::filesystem::path const& path, Config& c, std::map<std::string, Setting>& seen) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "config file " + path.string() + ": cannot be read";
  std::string const text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json::ParseFailure failure;
  auto doc = json::parse_strict(text, &failure);
  if (!doc) return "config file " + path.string() + ": invalid JSON: " + failure.reason;
  if (!doc->is_object()) return "config file " + path.string() + ": expects a JSON object of flag names";
  for (auto const& [key, value] : doc->get_object()) {
    std::string const name(key);
    Flag const* flag = find_flag(name);
    if (!flag) return "config file " + path.string() + ": unknown key \"" + name + "\" (keys are flag names, see --help)";
    auto const text_value = flag_text(value);
    if (!text_value) return "config file " + path.string() + ": \"" + name + "\" expects a string, number, boolean or list of strings";
    if (auto e = flag->apply(c, *text_value); !e.empty()) return "config file " + path.string() + ": \"" + name + "\" " + e;
    seen[name] = Setting{name, masked(*text_value), "config file"};
  }
  return {};
}

}  // namespace

ConfigParse parse_config(std::vector<std::string> const& args, EnvLookup const& env) {
  ConfigParse result;
  Config& c = result.config;
  std::map<std::string, Setting> seen;

  // The file first (weakest of the given sources), wherever --config stands among the flags.
  std::optional<std::string> config_path;
  if (auto value = env("GATEHOUSE_CONFIG"); value && !value->empty()) config_path = *value;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      if (i + 1 == args.size()) {
        result.error = "--config needs a value (PATH)";
        return result;
      }
      config_path = args[++i];
    } else if (args[i].starts_with("--config=")) {
      config_path = args[i].substr(9);
    }
  }
  if (config_path) {
    if (config_path->empty()) {
      result.error = "--config expects a path";
      return result;
    }
    if (auto e = apply_config_file(*config_path, c, seen); !e.empty()) {
      result.error = e;
      return result;
    }
  }

  for (auto const& f : flags()) {
    // An empty variable counts as unset (containers often export NAME= for "not given").
    if (auto value = env(f.env); value && !value->empty()) {
      if (auto e = f.apply(c, *value); !e.empty()) {
        result.error = std::string(f.env) + " " + e;
        return result;
      }
      seen[f.name] = Setting{f.name, masked(*value), "environment"};
    }
  }

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      return result;
    }
    if (arg == "--check-config") {
      result.check = true;
      continue;
    }
    if (arg == "--config") {
      ++i;  // applied above
      continue;
    }
    if (arg.starts_with("--config=")) continue;
    if (!arg.starts_with("--")) {
      result.error = "unexpected argument \"" + arg + "\" (see --help)";
      return result;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    Flag const* flag = find_flag(name);
    if (!flag) {
      result.error = "unknown flag --" + name + " (see --help)";
      return result;
    }
    std::string value;
    if (!flag->value) {
      value = inline_value.value_or("true");
    } else if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      result.error = "--" + name + " needs a value (" + flag->value + ")";
      return result;
    }
    if (auto e = flag->apply(c, value); !e.empty()) {
      result.error = "--" + name + " " + e;
      return result;
    }
    seen[name] = Setting{name, masked(value), "flag"};
  }
  if (c.tls_cert.has_value() != c.tls_key.has_value()) {
    result.error = c.tls_cert ? "--tls-cert needs --tls-key (the certificate's private key)"
                              : "--tls-key needs --tls-cert (the certificate it belongs to)";
    return result;
  }
  if (c.threads == 0) c.threads = std::max(1u, std::thread::hardware_concurrency());
  for (auto const& f : flags()) {
    auto it = seen.find(f.name);
    result.settings.push_back(it != seen.end() ? it->second : Setting{f.name, {}, "default"});
  }
  return result;
}

std::string describe_settings(std::vector<Setting> const& settings) {
  std::string out;
  for (auto const& s : settings) {
    std::string line = s.name;
    if (line.size() < 24) line.resize(24, ' ');
    line += s.source == "default" ? std::string("(default)") : s.value;
    if (line.size() < 64) line.resize(64, ' ');
    out += line + " [" + s.source + "]\n";
  }
  return out;
}

std::string usage() {
  std::string out =
      "gatehouse: authentication and session service\n\n"
      "usage: gatehouse [flags]\n"
      "       gatehouse admin [--socket PATH | --database PATH] COMMAND   (gatehouse admin --help)\n\n"
      "Every flag can also be set with its environment variable or in a --config file;\n"
      "flags win over the environment, the environment over the file.\n\n";
  for (auto const& f : flags()) {
    std::string left = std::string("  --") + f.name + (f.value ? std::string(" ") + f.value : std::string());
    if (left.size() < 34) left.resize(34, ' ');
    out += left + f.help + "  [" + f.env + "]\n";
  }
  out += "  --config PATH                   a JSON file of settings, keys are flag names; flags and the\n"
         "                                  environment win over it  [GATEHOUSE_CONFIG]\n";
  out += "  --check-config                  validate the settings, print each with its source, exit\n";
  out += "  --help                          this text\n";
  return out;
}

}  // namespace gatehouse::app
