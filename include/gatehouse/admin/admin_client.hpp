#pragma once
// One HTTP/1.1 request to the running server's admin socket, synchronously: the CLI does
// nothing else meanwhile.
#include "gatehouse/admin/admin_command.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace gatehouse::admin {

// The server could not be reached: no socket file, nobody listening, no permission, timeout.
class AdminUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AdminReply {
  int status = 0;
  std::string body;
};

// Throws AdminUnreachable. timeout: for the answer; zero waits as long as the server works.
AdminReply call_admin(std::filesystem::path const& socket, AdminRequest const& request,
                      std::chrono::seconds timeout);

}  // namespace gatehouse::admin
