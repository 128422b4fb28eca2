#include "gatehouse/api/response.hpp"

#include <boost/json/serialize.hpp>

namespace gatehouse::api {

Response json_response(int status, boost::json::value const& body) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

Response empty_response(int status) {
  Response r;
  r.status = status;
  r.content_type = {};
  return r;
}

}  // namespace gatehouse::api
