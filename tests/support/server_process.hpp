#pragma once
// Starts the real gatehouse binary as a child process on a free loopback port and captures
// everything it prints. The port is the one the server itself reports in its "listening" log
// line (it binds port 0), so tests never race another process for a port.
#include "support/child_process.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace gatehouse::testing {

class ServerProcess {
 public:
  // args are appended to `gatehouse --listen 127.0.0.1:0`. Throws when the server does not
  // report listening within the timeout (its output is in the message).
  explicit ServerProcess(std::vector<std::string> args, std::filesystem::path const& workdir = {},
                         std::chrono::seconds timeout = std::chrono::seconds(30));
  ServerProcess(ServerProcess const&) = delete;
  ServerProcess& operator=(ServerProcess const&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return process_.pid(); }

  // Sends the signal and waits for exit; returns the exit status (128+signal when killed).
  int stop(int signal = 15 /* SIGTERM */, std::chrono::seconds timeout = std::chrono::seconds(15));
  bool running() const { return process_.pid() > 0; }

  std::string output() const { return process_.output(); }  // stdout and stderr so far
  // Waits until the output contains needle; false on timeout.
  bool wait_for_output(std::string const& needle, std::chrono::milliseconds timeout) const {
    return process_.wait_for_output(needle, timeout);
  }
  // Waits until the output holds needle `count` times; false on timeout.
  bool wait_for_occurrences(std::string const& needle, std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  ChildProcess process_;
  std::uint16_t port_ = 0;
};

}  // namespace gatehouse::testing
