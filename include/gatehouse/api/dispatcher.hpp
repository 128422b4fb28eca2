#pragma once
// Request in, response out, never an exception: routing, 404/405, the mapping of failures to
// the contract's errors, and the access log line.
#include "gatehouse/api/router.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::api {

class Dispatcher {
 public:
  explicit Dispatcher(Router const& router) : router_(router) {}

  boost::asio::awaitable<Response> dispatch(Request const& req) const;

 private:
  Router const& router_;
};

}  // namespace gatehouse::api
