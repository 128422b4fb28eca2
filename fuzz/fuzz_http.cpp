// fuzz_http: raw bytes as they would arrive on a connection → Beast's request parser with the
// server's limits → api_request → the dispatcher, the router and the real handlers on an
// in-process gatehouse (in_process_gatehouse.hpp). Up to four pipelined requests per input.
//
// Invariants: nothing crashes or throws out of the dispatcher, and no input earns a 5xx: a
// malformed request, an unknown route or a bad body is the client's error (4xx), and nothing
// here makes the database unavailable.
//
// Placeholders let inputs carry live credentials the fuzzer could never guess: @ANON@, @USER@
// (session tokens), @KEY@ (an API key with every scope), @JWT@ (a Clerk JWT for the fixed key),
// @RESEARCH@ (a research item of @ANON@'s).
#include "fuzz_check.hpp"
#include "in_process_gatehouse.hpp"

#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/api/request_id.hpp"
#include "gatehouse/net/beast_messages.hpp"
#include "gatehouse/net/http_session.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace gatehouse;

fuzz::InProcessGatehouse& gatehouse_instance() {
  static auto* const instance = new fuzz::InProcessGatehouse();  // lives until exit, like a server
  return *instance;
}

std::string with_credentials(std::string_view input) {
  auto& g = gatehouse_instance();
  std::pair<std::string_view, std::string const*> const placeholders[] = {
      {"@ANON@", &g.anonymous_session()}, {"@USER@", &g.user_session()}, {"@KEY@", &g.api_key()}, {"@JWT@", &g.clerk_jwt()},
      {"@RESEARCH@", &g.research_id()}};
  std::string out(input);
  for (auto const& [placeholder, value] : placeholders) {
    for (auto at = out.find(placeholder); at != std::string::npos; at = out.find(placeholder, at + value->size())) {
      out.replace(at, placeholder.size(), *value);
    }
  }
  return out;
}

void check_status(int status) {
  FUZZ_CHECK(status >= 100 && status < 500);
}

// Feeds one request from the front of `rest`; false when the connection would end here.
bool serve_one(std::string_view& rest, net::HttpLimits const& limits) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
  parser.body_limit(limits.body_limit);
  parser.eager(true);
  beast::error_code ec;
  while (!ec && !parser.is_done() && !rest.empty()) {
    std::size_t const used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(used);
    if (used == 0 && !ec) break;
  }
  // An incomplete request: the server would wait for more bytes, then time out.
  if (ec == http::error::need_more || (!ec && !parser.is_done())) return false;
  if (ec) {
    if (auto code = net::read_error_code(ec)) check_status(api::error_response(Failure(*code)).status);
    return false;
  }

  auto const& req = parser.get();
  api::Response response;
  if (req.target().size() > limits.target_limit) {
    response = api::error_response(Failure(ErrorCode::uri_too_long));
  } else {
    net::BeastHeaders const headers(req);
    std::string const request_id = api::request_id_for(req["X-Request-Id"]);
    response = gatehouse_instance().dispatch(net::api_request(req, headers, "127.0.0.1", request_id));
  }
  check_status(response.status);
  return req.keep_alive() && !response.upgrade;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gatehouse_instance();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  std::string const input = with_credentials(std::string_view(reinterpret_cast<char const*>(data), size));
  std::string_view rest = input;
  net::HttpLimits const limits;
  for (int i = 0; i < 4 && !rest.empty(); ++i) {
    if (!serve_one(rest, limits)) break;
  }
  return 0;
}
