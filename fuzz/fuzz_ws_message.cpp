// fuzz_ws_message: one client message on GET /ws (the first byte says text or binary) through
// parse_ws_message. Every error reply is a valid JSON text message (UTF-8: a text frame with
// anything else makes a conforming client fail the connection), and every command respects
// the contract's bounds.
#include "fuzz_check.hpp"

#include "gatehouse/json/strict_json.hpp"
#include "gatehouse/streams/ws_protocol.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

namespace {

using namespace gatehouse::streams;

void check_research_id(std::string const& id) {
  FUZZ_CHECK(!id.empty() && id.size() <= max_ws_research_id_size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) return 0;
  bool const binary = (data[0] & 1) != 0;
  std::string_view const text(reinterpret_cast<char const*>(data) + 1, size - 1);
  auto const command = parse_ws_message(text, binary);
  if (auto const* invalid = std::get_if<WsInvalid>(&command)) {
    FUZZ_CHECK(!invalid->detail.empty());
    auto const reply = ws_error_message(invalid->detail);
    auto const reparsed = gatehouse::json::parse_strict(*reply);
    FUZZ_CHECK(reparsed && reparsed->is_object());
    FUZZ_CHECK(reparsed->at("detail").as_string() == invalid->detail);
  } else if (auto const* subscribe = std::get_if<WsSubscribe>(&command)) {
    FUZZ_CHECK(!binary);
    check_research_id(subscribe->research_id);
    FUZZ_CHECK(subscribe->after_seq >= 0);
  } else if (auto const* unsubscribe = std::get_if<WsUnsubscribe>(&command)) {
    FUZZ_CHECK(!binary);
    check_research_id(unsubscribe->research_id);
  } else {
    FUZZ_CHECK(!binary);
  }
  return 0;
}
