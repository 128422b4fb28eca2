#include "gatehouse/api/request_id.hpp"

#include "gatehouse/crypto/random.hpp"

namespace gatehouse::api {

bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string request_id_for(std::string_view incoming) {
  if (acceptable_request_id(incoming)) return std::string(incoming);
  // 128 random bits: unique without coordination between threads or restarts.
  return crypto::random_id("", 16);
}

}  // namespace gatehouse::api
