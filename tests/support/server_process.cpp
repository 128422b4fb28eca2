#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <regex>
#include <stdexcept>

namespace gatehouse::testing {

ServerProcess::ServerProcess(std::vector<std::string> args, std::filesystem::path const& workdir,
                             std::chrono::seconds timeout) {
  std::vector<std::string> argv_storage{GATEHOUSE_BINARY, "--listen", "127.0.0.1:0"};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    if (!workdir.empty() && ::chdir(workdir.c_str()) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  reader_ = std::thread([this, fd = fds[0]] { read_loop(fd); });

  std::unique_lock lock(mutex_);
  std::regex const listening(R"re("msg":"listening"[^\n]*"port":([0-9]+))re");
  std::smatch match;
  bool const ok = changed_.wait_for(lock, timeout, [&] {
    return eof_ || std::regex_search(output_, match, listening);
  });
  if (!ok || eof_ || match.empty()) {
    std::string const out = output_;
    lock.unlock();
    stop(SIGKILL);
    throw std::runtime_error("gatehouse did not start listening; output:\n" + out);
  }
  port_ = static_cast<std::uint16_t>(std::stoi(match[1].str()));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::read_loop(int fd) {
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

int ServerProcess::stop(int signal, std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  // A pidfd becomes readable when the child exits: an event to wait on, not a poll loop.
  // (via syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C")
  int const pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  ::kill(pid_, signal);
  pollfd pfd{pidfd, POLLIN, 0};
  if (pidfd < 0 || ::poll(&pfd, 1, static_cast<int>(timeout.count() * 1000)) != 1) ::kill(pid_, SIGKILL);
  if (pidfd >= 0) ::close(pidfd);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string ServerProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

bool ServerProcess::wait_for_output(std::string const& needle, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return output_.find(needle) != std::string::npos; });
}

}  // namespace gatehouse::testing
