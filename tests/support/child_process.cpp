#include "support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace gatehouse::testing {

std::string find_on_path(std::string const& program) {
  char const* path = std::getenv("PATH");
  std::string_view rest = path ? path : "";
  while (!rest.empty()) {
    auto const colon = rest.find(':');
    std::filesystem::path const candidate = std::filesystem::path(rest.substr(0, colon)) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return {};
}

ChildProcess::ChildProcess(std::vector<std::string> argv_storage, std::vector<std::string> env_storage) {
  if (argv_storage.empty()) throw std::invalid_argument("ChildProcess needs a program");
  std::string const program = find_on_path(argv_storage[0]);
  if (program.empty()) throw std::runtime_error(argv_storage[0] + " is not on PATH");
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Built before fork: the child may only call async-signal-safe functions.
  std::vector<std::string> const overrides = env_storage;
  for (char** e = environ; *e; ++e) {
    std::string_view const entry = *e;
    auto const name = entry.substr(0, entry.find('=') + 1);
    bool const overridden = std::any_of(overrides.begin(), overrides.end(),
                                        [&](std::string const& o) { return o.rfind(name, 0) == 0; });
    if (!overridden) env_storage.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);  // its own process group, so whatever it starts (a browser) dies with it
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::execve(program.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also here, so the group exists whichever of the two runs first
  ::close(fds[1]);
  reader_ = std::thread([this, fd = fds[0]] { read_loop(fd); });
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::read_loop(int fd) {
  char buf[4096];
  for (;;) {
    ssize_t const n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      eof_ = true;
      changed_.notify_all();
      break;
    }
    output_.append(buf, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
}

std::string ChildProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

bool ChildProcess::wait_for_output(std::string const& needle, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return eof_ || output_.find(needle) != std::string::npos; });
  return output_.find(needle) != std::string::npos;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  // A pidfd becomes readable when the child exits: an event to wait on, not a poll loop.
  // (via syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C")
  int const pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  pollfd pfd{pidfd, POLLIN, 0};
  bool const exited = pidfd >= 0 && ::poll(&pfd, 1, static_cast<int>(timeout.count())) == 1;
  if (pidfd >= 0) ::close(pidfd);
  if (!exited) ::kill(-pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  if (!exited) return std::nullopt;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace gatehouse::testing
