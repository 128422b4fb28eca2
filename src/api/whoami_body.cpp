#include "gatehouse/api/whoami_body.hpp"

#include "gatehouse/json/json_string.hpp"

#include <array>
#include <charconv>

namespace gatehouse::api {

namespace {

void append_nullable_string(std::string& out, std::string const* s) {
  if (s) {
    json::append_json_string(out, *s);
  } else {
    out += "null";
  }
}

}  // namespace

std::string whoami_body(auth::Caller const& caller, UnixSeconds now) {
  std::string out;
  out.reserve(256);
  out += "{\"principal_id\":";
  json::append_json_string(out, caller.principal_id());
  out += ",\"kind\":";
  json::append_json_string(out, store::to_string(caller.kind));
  out += ",\"session_id\":";
  append_nullable_string(out, caller.session ? &caller.session->id : nullptr);
  out += ",\"expires_in\":";
  if (auto const expires_at = caller.expires_at()) {
    std::array<char, 24> digits;
    auto const end = std::to_chars(digits.data(), digits.data() + digits.size(), *expires_at - now).ptr;
    out.append(digits.data(), end);
  } else {
    out += "null";
  }
  out += caller.session ? ",\"credential\":\"session\"" : ",\"credential\":\"api_key\"";
  out += ",\"api_key_id\":";
  append_nullable_string(out, caller.api_key ? &caller.api_key->id : nullptr);
  out += ",\"scopes\":[";
  bool first = true;
  caller.scopes.for_each_name([&](std::string_view name) {
    if (!first) out.push_back(',');
    first = false;
    json::append_json_string(out, name);
  });
  out += "]}";
  return out;
}

}  // namespace gatehouse::api
