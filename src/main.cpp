// gatehouse: parse the configuration, run the server, turn start-up failures into one line;
// `gatehouse admin ...` is the admin client instead (src/admin/).
#include "gatehouse/admin/admin_cli.hpp"
#include "gatehouse/app/server.hpp"
#include "gatehouse/app/config.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  gatehouse::app::EnvLookup const env = [](std::string const& name) -> std::optional<std::string> {
    char const* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
  if (!args.empty() && args.front() == "admin") {
    args.erase(args.begin());
    return gatehouse::admin::run_admin(args, env);
  }
  auto const parsed = gatehouse::app::parse_config(args, env);
  if (parsed.help) {
    std::fputs(gatehouse::app::usage().c_str(), stdout);
    return 0;
  }
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "gatehouse: %s\n", parsed.error.c_str());
    return 2;
  }
  if (parsed.check) {
    std::fputs(gatehouse::app::describe_settings(parsed.settings).c_str(), stdout);
    std::fputs("configuration ok\n", stdout);
    return 0;
  }
  // A file-size limit (or a file system that refuses to grow a file) must fail the write, which
  // the database turns into 503s, not kill the server with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    gatehouse::app::run_server(parsed.config);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "gatehouse: %s\n", e.what());
    return 1;
  }
  return 0;
}
