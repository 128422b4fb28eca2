#pragma once
// Runs another program as a child process in its own process group and captures everything it
// prints: the gatehouse server (ServerProcess), gatehouse as a command (run_gatehouse), and
// outside tools (openssl, curl, the headless-browser script).
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::testing {

struct ChildOptions {
  std::vector<std::string> env;  // "NAME=value", added to (or replacing in) the test's environment
  std::filesystem::path workdir;  // empty: the test's own
  bool separate_stderr = false;   // false: stderr is merged into output()
};

class ChildProcess {
 public:
  // argv[0] is a path, or a name looked up on PATH.
  explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> env = {});
  ChildProcess(std::vector<std::string> argv, ChildOptions options);
  ~ChildProcess();  // kills a child that is still running, with its process group
  ChildProcess(ChildProcess const&) = delete;
  ChildProcess& operator=(ChildProcess const&) = delete;

  pid_t pid() const { return pid_; }  // -1 once waited for
  std::string output() const;         // stdout (and stderr unless separate) so far
  std::string error_output() const;   // stderr so far, with separate_stderr
  // Waits until the output contains needle or the child's output ends; false unless it appeared.
  bool wait_for_output(std::string const& needle, std::chrono::milliseconds timeout) const;
  // Waits until ready(output) holds or the output ends; returns ready(output) at that point.
  bool wait_until(std::function<bool(std::string const&)> const& ready, std::chrono::milliseconds timeout) const;
  // Sends a signal to the child itself (not its group).
  void signal(int sig) const;
  // Waits for the exit and returns the exit status (128+signal when killed); nullopt when it did
  // not exit in time, in which case it is killed.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  void read_loop(int out_fd, int err_fd);

  pid_t pid_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string output_;
  std::string error_output_;
  bool eof_ = false;
};

// The full path of a program on PATH; empty when there is none.
std::string find_on_path(std::string const& program);

}  // namespace gatehouse::testing
