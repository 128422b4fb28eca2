#pragma once
// Between Beast's messages and the api layer's plain Request/Response: shared by the public
// HTTP connections and the admin socket's.
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

// The refusal a failed read deserves (431, 413, 400), or nullopt when the client went away.
std::optional<ErrorCode> read_error_code(boost::beast::error_code ec);

api::Method method_of(boost::beast::http::verb verb);

// The response with the headers every answer carries (no-store, nosniff, X-Request-Id).
boost::beast::http::response<boost::beast::http::string_body> to_beast(api::Response&& r, std::string_view request_id,
                                                                        unsigned version, bool keep_alive);

}  // namespace gatehouse::net
