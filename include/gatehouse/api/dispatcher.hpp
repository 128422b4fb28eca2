#pragma once
// Request in, response out, never an exception: routing, 404/405, admitting the caller each
// route's access asks for, the mapping of failures to the contract's errors, and the access log
// line.
#include "gatehouse/api/cors.hpp"
#include "gatehouse/api/router.hpp"

#include <boost/asio/awaitable.hpp>

namespace gatehouse::api {

struct Services;

class Dispatcher {
 public:
  // services: what admits callers; may be null only when every route is open (the admin socket's).
  explicit Dispatcher(Router const& router, CorsPolicy cors = {}, Services const* services = nullptr)
      : router_(router), cors_(std::move(cors)), services_(services) {}

  boost::asio::awaitable<Response> dispatch(Request const& req) const;

 private:
  Router const& router_;
  CorsPolicy cors_;
  Services const* services_;
};

}  // namespace gatehouse::api
