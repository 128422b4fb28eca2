#pragma once
// Between Beast's parsed request and the handlers' api::Request: the header view, the method,
// the path and query split, and which read errors get an answer. http_session uses it for every
// request; the HTTP fuzz target drives the same code without a socket.
#include "gatehouse/api/request.hpp"
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

}  // namespace gatehouse::net
