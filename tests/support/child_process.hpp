#pragma once
// Runs another program (found on PATH) as a child process and captures everything it prints,
// for tests that drive a tool outside the server (the headless-browser script).
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace gatehouse::testing {

class ChildProcess {
 public:
  // argv[0] is looked up on PATH; env entries ("NAME=value") are added to the test's environment.
  explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> env = {});
  ~ChildProcess();  // kills a child that is still running, with its process group
  ChildProcess(ChildProcess const&) = delete;
  ChildProcess& operator=(ChildProcess const&) = delete;

  std::string output() const;  // stdout and stderr so far
  // Waits until the output contains needle or the child's output ends; false unless it appeared.
  bool wait_for_output(std::string const& needle, std::chrono::milliseconds timeout) const;
  // Waits for the exit and returns the exit status (128+signal when killed); nullopt when it did
  // not exit in time, in which case it is killed.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  void read_loop(int fd);

  pid_t pid_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string output_;
  bool eof_ = false;
};

// The full path of a program on PATH; empty when there is none.
std::string find_on_path(std::string const& program);

}  // namespace gatehouse::testing
