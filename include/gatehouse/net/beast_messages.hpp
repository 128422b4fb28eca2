#pragma once
// Between Beast's messages and the api layer's plain Request/Response: the header view, the
// method, the path and query split, which read errors get an answer, and the headers every
// response carries. Shared by the public HTTP connections, the admin socket and the HTTP fuzz
// target (which drives the same code without a socket).
#include "gatehouse/api/request.hpp"
#include "gatehouse/api/response.hpp"
#include "gatehouse/errors.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string_view>

namespace gatehouse::net {

class BeastHeaders final : public api::HeaderSource {
 public:
  explicit BeastHeaders(boost::beast::http::fields const& fields) : fields_(fields) {}
  std::string_view get(std::string_view name) const override;

 private:
  boost::beast::http::fields const& fields_;
};

// Views into req, headers, client_address and request_id, which must outlive the result.
api::Request api_request(boost::beast::http::request<boost::beast::http::string_body> const& req,
                         BeastHeaders const& headers, std::string_view client_address, std::string_view request_id);

// The refusal a read error gets (431, 413, 400), or nullopt when the client went away.
std::optional<ErrorCode> read_error_code(boost::beast::error_code ec);

// The response with the headers every answer carries (no-store, nosniff, X-Request-Id).
boost::beast::http::response<boost::beast::http::string_body> to_beast(api::Response&& r, std::string_view request_id,
                                                                        unsigned version, bool keep_alive);

}  // namespace gatehouse::net
