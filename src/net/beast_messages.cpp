#include "gatehouse/net/beast_messages.hpp"

#include "gatehouse/net.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace gatehouse::net {

namespace {

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

}  // namespace

std::string_view BeastHeaders::get(std::string_view name) const {
  auto it = fields_.find(name);
  return it == fields_.end() ? std::string_view() : std::string_view(it->value());
}

api::Request api_request(http::request<http::string_body> const& req, BeastHeaders const& headers,
                         std::string_view client_address, std::string_view request_id) {
  std::string_view const target = req.target();
  api::Request request;
  request.method = method_of(req.method());
  auto const question = target.find('?');
  request.path = target.substr(0, question);
  request.query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  request.body = req.body();
  request.headers = &headers;
  request.client_address = client_address;
  request.websocket_upgrade = beast::websocket::is_upgrade(req);
  request.request_id = request_id;
  return request;
}

std::optional<ErrorCode> read_error_code(beast::error_code ec) {
  if (ec == http::error::header_limit) return ErrorCode::headers_too_large;
  if (ec == http::error::body_limit) return ErrorCode::payload_too_large;
  // Any other parser error is a malformed request; a client that went away gets no answer.
  bool const parser_error = &ec.category() == &http::make_error_code(http::error::bad_target).category();
  if (parser_error && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return ErrorCode::bad_request;
  }
  return std::nullopt;
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
