// gatehouse-dev-issuer: a stand-in for Clerk during development and tests. It owns an RSA key,
// mints Clerk-shaped RS256 session tokens and serves the matching JWKS on loopback.
// Usage errors exit 2 with one line on stderr; runtime failures exit 1.
#include "gatehouse/auth/jwt_signer.hpp"
#include "static_http/static_http_server.hpp"
#include "gatehouse/util/clock.hpp"

#include <boost/asio/ip/address.hpp>

#include <signal.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using gatehouse::UnixSeconds;
using gatehouse::auth::JwtSigner;

constexpr std::string_view program = "gatehouse-dev-issuer";

// A mistake in how the tool was called, as opposed to a failure while doing the work.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Command {
  std::string_view name;
  std::vector<std::string_view> flags;     // take exactly one value
  std::vector<std::string_view> switches;  // take none
  std::string_view help;
  std::function<int(std::map<std::string, std::string> const&)> run;
};

class Flags {
 public:
  Flags(std::string_view command, std::map<std::string, std::string> const& values)
      : command_(command), values_(values) {}

  std::optional<std::string> optional(std::string const& name) const {
    auto const it = values_.find(name);
    return it == values_.end() ? std::nullopt : std::optional(it->second);
  }

  std::string required(std::string const& name) const {
    auto value = optional(name);
    if (!value) throw UsageError(std::string(command_) + ": --" + name + " is required");
    return *value;
  }

  std::int64_t integer(std::string const& name, std::int64_t fallback) const {
    auto const text = optional(name);
    if (!text) return fallback;
    std::int64_t value = 0;
    auto const [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size()) {
      throw UsageError(std::string(command_) + ": --" + name + " must be an integer, got '" + *text + "'");
    }
    return value;
  }

 private:
  std::string_view command_;
  std::map<std::string, std::string> const& values_;
};

void write_file(std::filesystem::path const& path, std::string const& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

int keygen(std::map<std::string, std::string> const& values) {
  Flags const flags("keygen", values);
  std::filesystem::path const key_path = flags.required("key");
  auto const bits = flags.integer("bits", 2048);
  // The verifier refuses RSA keys outside this range, so a key outside it would be useless.
  if (bits < 2048 || bits > 8192) throw UsageError("keygen: --bits must be between 2048 and 8192");
  // Replacing a key silently would invalidate every token and JWKS already handed out.
  if (std::filesystem::exists(key_path) && !values.contains("force")) {
    throw std::runtime_error(key_path.string() + " already exists (pass --force to replace it)");
  }
  auto const signer = JwtSigner::generate(static_cast<int>(bits));
  signer.save_private_key(key_path);
  if (auto const jwks_path = flags.optional("jwks")) write_file(*jwks_path, signer.jwks_json() + "\n");
  std::cout << signer.kid() << "\n";
  return 0;
}

int jwks(std::map<std::string, std::string> const& values) {
  Flags const flags("jwks", values);
  std::cout << JwtSigner::load(flags.required("key")).jwks_json() << "\n";
  return 0;
}

int mint(std::map<std::string, std::string> const& values) {
  Flags const flags("mint", values);
  auto const signer = JwtSigner::load(flags.required("key"));
  gatehouse::auth::ClerkTokenSpec spec;
  spec.sub = flags.required("sub");
  if (spec.sub.empty()) throw UsageError("mint: --sub must not be empty");
  spec.azp = flags.optional("azp");
  spec.iss = flags.optional("iss");
  spec.sid = flags.optional("sid");
  spec.email = flags.optional("email");
  spec.name = flags.optional("name");
  spec.lifetime = flags.integer("ttl", 300);
  spec.not_before_offset = flags.integer("nbf-offset", spec.not_before_offset);
  spec.issued_at_offset = flags.integer("iat-offset", spec.issued_at_offset);
  std::cout << gatehouse::auth::mint_clerk_token(signer, spec, gatehouse::now_unix()) << "\n";
  return 0;
}

// "127.0.0.1:8080" or "[::1]:8080"; the JWKS server must stay on loopback.
std::pair<std::string, std::uint16_t> parse_listen(std::string const& listen) {
  auto const colon = listen.rfind(':');
  if (colon == std::string::npos) throw UsageError("serve: --listen must be HOST:PORT, got '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string const port_text = listen.substr(colon + 1);
  unsigned port = 0;
  auto const [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    throw UsageError("serve: --listen port must be 0-65535, got '" + port_text + "'");
  }
  boost::system::error_code address_error;
  auto const address = boost::asio::ip::make_address(host, address_error);
  if (host != "localhost" && (address_error || !address.is_loopback())) {
    throw UsageError("serve: refusing to listen on '" + host + "': the JWKS server is loopback-only (127.0.0.0/8, ::1)");
  }
  return {host, static_cast<std::uint16_t>(port)};
}

int serve(std::map<std::string, std::string> const& values) {
  Flags const flags("serve", values);
  auto const signer = JwtSigner::load(flags.required("key"));
  auto const [host, port] = parse_listen(flags.optional("listen").value_or("127.0.0.1:0"));
  auto const path = flags.optional("path").value_or("/.well-known/jwks.json");
  if (path.empty() || path.front() != '/') throw UsageError("serve: --path must start with '/'");

  // Blocked before the server thread starts so that thread inherits the mask and the signals
  // are delivered only to sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  gatehouse::tools::StaticHttpServer server(host, port);
  server.set(path, signer.jwks_json());
  // Flushed: scripts and tests read this line from a pipe to learn the port.
  std::cout << "serving JWKS at " << server.url(path) << std::endl;

  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  return 0;
}

std::vector<Command> const& commands() {
  static std::vector<Command> const all{
      {"keygen", {"key", "jwks", "bits"}, {"force"},
       "usage: gatehouse-dev-issuer keygen --key PATH [--jwks PATH] [--bits N] [--force]\n"
       "  Creates an RSA signing key (PEM, mode 0600) and prints its kid.\n"
       "  --jwks PATH   also write the public JWKS document to PATH\n"
       "  --bits N      RSA modulus size, 2048-8192 (default 2048)\n"
       "  --force       replace an existing key file\n",
       keygen},
      {"jwks", {"key"}, {},
       "usage: gatehouse-dev-issuer jwks --key PATH\n"
       "  Prints the JWKS document for the key.\n",
       jwks},
      {"mint", {"key", "sub", "azp", "iss", "sid", "email", "name", "ttl", "nbf-offset", "iat-offset"}, {},
       "usage: gatehouse-dev-issuer mint --key PATH --sub SUB [--azp A] [--iss I] [--sid S]\n"
       "                                 [--email E] [--name N] [--ttl SECONDS] [--nbf-offset S] [--iat-offset S]\n"
       "  Prints a Clerk-shaped RS256 session token and a newline.\n"
       "  --ttl SECONDS    exp = now + SECONDS (default 300; negative mints an expired token)\n"
       "  --nbf-offset S   nbf = now + S (default -5)\n"
       "  --iat-offset S   iat = now + S (default 0)\n"
       "  --sid S          session id (default: a fresh sess_...)\n",
       mint},
      {"serve", {"key", "listen", "path"}, {},
       "usage: gatehouse-dev-issuer serve --key PATH [--listen 127.0.0.1:PORT] [--path /.well-known/jwks.json]\n"
       "  Serves the key's JWKS over HTTP on a loopback address until SIGINT or SIGTERM.\n"
       "  --listen HOST:PORT  loopback only (127.0.0.0/8, [::1]); port 0 (the default) picks a free port\n"
       "  Prints 'serving JWKS at <url>' once listening.\n",
       serve},
  };
  return all;
}

void print_usage(std::ostream& out) {
  out << "usage: gatehouse-dev-issuer <command> [flags]\n"
         "  keygen  create a signing key\n"
         "  jwks    print the JWKS for a key\n"
         "  mint    print a signed token\n"
         "  serve   serve the JWKS on loopback\n"
         "Run 'gatehouse-dev-issuer <command> --help' for a command's flags.\n";
}

// Returns nullopt when --help was asked for.
std::optional<std::map<std::string, std::string>> parse_flags(Command const& command, int argc, char** argv) {
  std::map<std::string, std::string> values;
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return std::nullopt;
    if (!arg.starts_with("--") || arg.size() == 2) {
      throw UsageError(std::string(command.name) + ": unexpected argument '" + std::string(arg) + "'");
    }
    arg.remove_prefix(2);
    std::optional<std::string> value;
    if (auto const eq = arg.find('='); eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
      arg = arg.substr(0, eq);
    }
    auto const is = [&](std::vector<std::string_view> const& names) {
      return std::find(names.begin(), names.end(), arg) != names.end();
    };
    if (is(command.switches)) {
      if (value) throw UsageError(std::string(command.name) + ": --" + std::string(arg) + " takes no value");
      value = "";
    } else if (!is(command.flags)) {
      throw UsageError(std::string(command.name) + ": unknown flag --" + std::string(arg) + " (see " +
                       std::string(program) + " " + std::string(command.name) + " --help)");
    }
    if (!value) {
      if (i + 1 >= argc) throw UsageError(std::string(command.name) + ": --" + std::string(arg) + " needs a value");
      value = argv[++i];
    }
    if (!values.emplace(std::string(arg), std::move(*value)).second) {
      throw UsageError(std::string(command.name) + ": --" + std::string(arg) + " given twice");
    }
  }
  return values;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return 2;
  }
  std::string_view const name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return 0;
  }
  auto const& all = commands();
  auto const command = std::find_if(all.begin(), all.end(), [&](Command const& c) { return c.name == name; });
  if (command == all.end()) {
    std::cerr << program << ": unknown command '" << name << "' (see " << program << " --help)\n";
    return 2;
  }
  try {
    auto const values = parse_flags(*command, argc, argv);
    if (!values) {
      std::cout << command->help;
      return 0;
    }
    return command->run(*values);
  } catch (UsageError const& e) {
    std::cerr << program << " " << e.what() << "\n";
    return 2;
  } catch (std::exception const& e) {
    std::cerr << program << " " << command->name << ": " << e.what() << "\n";
    return 1;
  }
}
