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

ChildProcess::ChildProcess(std::vector<std::string> argv, std::vector<std::string> env)
    : ChildProcess(std::move(argv), ChildOptions{.env = std::move(env)}) {}

ChildProcess::ChildProcess(std::vector<std::string> argv_storage, ChildOptions options) {
  if (argv_storage.empty()) throw std::invalid_argument("ChildProcess needs a program");
  std::string const program =
      argv_storage[0].find('/') != std::string::npos ? argv_storage[0] : find_on_path(argv_storage[0]);
  if (program.empty()) throw std::runtime_error(argv_storage[0] + " is not on PATH");
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Built before fork: the child may only call async-signal-safe functions.
  std::vector<std::string> env_storage = options.env;
  for (char** e = environ; *e; ++e) {
    std::string_view const entry = *e;
    auto const name = entry.substr(0, entry.find('=') + 1);
    bool const overridden = std::any_of(options.env.begin(), options.env.end(),
                                        [&](std::string const& o) { return o.rfind(name, 0) == 0; });
    if (!overridden) env_storage.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out[2];
  int err[2] = {-1, -1};
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  if (options.separate_stderr && ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);  // its own process group, so whatever it starts (a browser) dies with it
    ::dup2(out[1], 1);
    ::dup2(options.separate_stderr ? err[1] : out[1], 2);
    if (!options.workdir.empty() && ::chdir(options.workdir.c_str()) != 0) ::_exit(126);
    ::execve(program.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also here, so the group exists whichever of the two runs first
  ::close(out[1]);
  if (err[1] >= 0) ::close(err[1]);
  reader_ = std::thread([this, out_fd = out[0], err_fd = err[0]] { read_loop(out_fd, err_fd); });
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable()) reader_.join();
}

void ChildProcess::read_loop(int out_fd, int err_fd) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&output_, &error_output_};
  int open = err_fd >= 0 ? 2 : 1;
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      ssize_t const n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      std::lock_guard lock(mutex_);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open;
      } else {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      }
      changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  eof_ = true;
  changed_.notify_all();
}

std::string ChildProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

std::string ChildProcess::error_output() const {
  std::lock_guard lock(mutex_);
  return error_output_;
}

bool ChildProcess::wait_for_output(std::string const& needle, std::chrono::milliseconds timeout) const {
  return wait_until([&needle](std::string const& out) { return out.find(needle) != std::string::npos; }, timeout);
}

bool ChildProcess::wait_until(std::function<bool(std::string const&)> const& ready,
                              std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return eof_ || ready(output_); });
  return ready(output_);
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
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
  ::kill(-pid_, SIGKILL);  // anything it started and left behind would hold the output pipe open
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  if (!exited) return std::nullopt;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace gatehouse::testing
