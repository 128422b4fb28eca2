#pragma once
// Starts the real gatehouse binary as a child process on a free loopback port and captures
// everything it prints. The port is the one the server itself reports in its "listening" log
// line (it binds port 0), so tests never race another process for a port.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::testing {

class ServerProcess {
 public:
  // args are appended to `gatehouse --listen 127.0.0.1:0`. Throws when the server does not
  // report listening within the timeout (its output is in the message).
  explicit ServerProcess(std::vector<std::string> args, std::filesystem::path const& workdir = {},
                         std::chrono::seconds timeout = std::chrono::seconds(30));
  ~ServerProcess();
  ServerProcess(ServerProcess const&) = delete;
  ServerProcess& operator=(ServerProcess const&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends the signal and waits for exit; returns the exit status (128+signal when killed).
  int stop(int signal = 15 /* SIGTERM */, std::chrono::seconds timeout = std::chrono::seconds(15));
  bool running() const { return pid_ > 0; }

  std::string output() const;  // stdout and stderr so far
  // Waits until the output contains needle; false on timeout.
  bool wait_for_output(std::string const& needle, std::chrono::milliseconds timeout) const;

 private:
  void read_loop(int fd);

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string output_;
  bool eof_ = false;
};

}  // namespace gatehouse::testing
