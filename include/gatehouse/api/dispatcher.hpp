#pragma once
// Request in, response out, never an exception: routing, 404/405, the mapping of failures to
// the contract's errors, and the access log line.
#include "gatehouse/api/cors.hpp"
#include "gatehouse/api/router.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::api {

class Dispatcher {
 public:
  explicit Dispatcher(Router const& router, CorsPolicy cors = {}) : router_(router), cors_(std::move(cors)) {}

  boost::asio::awaitable<Response> dispatch(Request const& req) const;

 private:
  Router const& router_;
  CorsPolicy cors_;
};

}  // namespace gatehouse::api
