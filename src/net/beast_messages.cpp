#include "net/beast_messages.hpp"

#include <boost/beast/http/error.hpp>

namespace gatehouse::net {

namespace http = boost::beast::http;

std::string_view BeastHeaders::get(std::string_view name) const {
  auto it = fields_.find(name);
  return it == fields_.end() ? std::string_view() : std::string_view(it->value());
}

std::optional<ErrorCode> read_error_code(boost::beast::error_code ec) {
  if (ec == http::error::header_limit) return ErrorCode::headers_too_large;
  if (ec == http::error::body_limit) return ErrorCode::payload_too_large;
  // Any other parser error is a malformed request; a client that went away gets no answer.
  bool const parser_error = &ec.category() == &http::make_error_code(http::error::bad_target).category();
  if (parser_error && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return ErrorCode::bad_request;
  }
  return std::nullopt;
}

api::Method method_of(http::verb verb) {
  switch (verb) {
    case http::verb::get: return api::Method::get;
    case http::verb::head: return api::Method::head;
    case http::verb::post: return api::Method::post;
    case http::verb::put: return api::Method::put;
    case http::verb::patch: return api::Method::patch;
    case http::verb::delete_: return api::Method::del;
    case http::verb::options: return api::Method::options;
    default: return api::Method::other;
  }
}

http::response<http::string_body> to_beast(api::Response&& r, std::string_view request_id, unsigned version,
                                           bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
  // Responses carry tokens and personal data: never cached, never sniffed.
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Request-Id", request_id);
  for (auto& [name, value] : r.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

}  // namespace gatehouse::net
