#pragma once
#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::api {

struct StreamUpgrade;

struct Response {
  int status = 200;
  std::string body;
  std::string_view content_type = "application/json";
  std::vector<std::pair<std::string_view, std::string>> headers;  // beyond the standard set
  std::shared_ptr<StreamUpgrade const> upgrade;                    // set: switch to a stream
  bool close_connection = false;                                   // the connection ends after this response
};

Response json_response(int status, boost::json::value const& body);
Response empty_response(int status);  // 204 and friends

}  // namespace gatehouse::api
