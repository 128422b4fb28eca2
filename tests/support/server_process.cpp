#include "support/server_process.hpp"

#include <signal.h>

#include <regex>
#include <stdexcept>

namespace gatehouse::testing {

namespace {

std::vector<std::string> server_argv(std::vector<std::string> args) {
  std::vector<std::string> argv{GATEHOUSE_BINARY, "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> args, std::filesystem::path const& workdir,
                             std::chrono::seconds timeout)
    : process_(server_argv(std::move(args)), ChildOptions{.workdir = workdir}) {
  std::regex const listening(R"re("msg":"listening"[^\n]*"port":([0-9]+))re");
  std::string port;
  bool const up = process_.wait_until(
      [&](std::string const& out) {
        std::smatch match;
        if (!std::regex_search(out, match, listening)) return false;
        port = match[1].str();
        return true;
      },
      timeout);
  if (!up) {
    std::string const out = output();
    stop(SIGKILL);
    throw std::runtime_error("gatehouse did not start listening; output:\n" + out);
  }
  port_ = static_cast<std::uint16_t>(std::stoi(port));
}

int ServerProcess::stop(int signal, std::chrono::seconds timeout) {
  if (!running()) return -1;
  process_.signal(signal);
  return process_.wait(timeout).value_or(128 + SIGKILL);
}

bool ServerProcess::wait_for_occurrences(std::string const& needle, std::size_t count,
                                         std::chrono::milliseconds timeout) const {
  return process_.wait_until(
      [&](std::string const& out) {
        std::size_t seen = 0;
        for (auto at = out.find(needle); at != std::string::npos; at = out.find(needle, at + needle.size())) ++seen;
        return seen >= count;
      },
      timeout);
}

}  // namespace gatehouse::testing
