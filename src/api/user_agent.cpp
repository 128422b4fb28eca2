#include "gatehouse/api/user_agent.hpp"

namespace gatehouse::api {

namespace {
constexpr std::size_t max_user_agent_size = 256;
}

std::optional<std::string> user_agent_of(Request const& req) {
  std::string ua;
  for (char c : req.header("User-Agent")) {
    if (ua.size() == max_user_agent_size) break;
    if (c >= 0x20 && c < 0x7f) ua.push_back(c);
  }
  if (ua.empty()) return std::nullopt;
  return ua;
}

}  // namespace gatehouse::api
