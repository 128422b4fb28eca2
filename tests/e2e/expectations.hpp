#pragma once
// Small assertions shared by the end-to-end tests: the contract's error shape, its timestamp
// format, and terse access to JSON members.
#include "support/http_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <ctime>
#include <regex>
#include <string>

namespace gatehouse::testing {

// A JSON response: the Content-Type the contract requires and a body that parses.
inline ::testing::AssertionResult IsJson(HttpResponse const& res) {
  if (res.header("Content-Type") != "application/json") {
    return ::testing::AssertionFailure() << "Content-Type is \"" << res.header("Content-Type") << "\"; body: " << res.body;
  }
  boost::json::error_code ec;
  boost::json::parse(res.body, ec);
  if (ec) return ::testing::AssertionFailure() << "body is not JSON: " << res.body;
  return ::testing::AssertionSuccess();
}

// The contract's error: this status, a JSON object whose `detail` is exactly this text, and on
// a 401 the RFC 6750 challenge.
inline ::testing::AssertionResult IsError(HttpResponse const& res, int status, std::string const& detail) {
  if (res.status != status) {
    return ::testing::AssertionFailure() << "status " << res.status << ", expected " << status << "; body: " << res.body;
  }
  if (auto json = IsJson(res); !json) return json;
  if (res.detail() != detail) {
    return ::testing::AssertionFailure() << "detail \"" << res.detail() << "\", expected \"" << detail << "\"";
  }
  if (status == 401 && res.header("WWW-Authenticate").rfind("Bearer", 0) != 0) {
    return ::testing::AssertionFailure() << "401 without a Bearer challenge: WWW-Authenticate \""
                                         << res.header("WWW-Authenticate") << "\"";
  }
  return ::testing::AssertionSuccess();
}

// A 401 "Invalid token: <reason>" whose reason mentions `reason_mentions` (the reasons are
// gatehouse's own words; the contract fixes only the prefix).
inline ::testing::AssertionResult IsInvalidToken(HttpResponse const& res, std::string const& reason_mentions = {}) {
  if (res.status != 401) return ::testing::AssertionFailure() << "status " << res.status << "; body: " << res.body;
  if (auto json = IsJson(res); !json) return json;
  std::string const detail = res.detail();
  std::string const prefix = "Invalid token: ";
  if (detail.rfind(prefix, 0) != 0 || detail.size() == prefix.size()) {
    return ::testing::AssertionFailure() << "detail \"" << detail << "\" is not \"Invalid token: <reason>\"";
  }
  if (!reason_mentions.empty() && detail.find(reason_mentions) == std::string::npos) {
    return ::testing::AssertionFailure() << "detail \"" << detail << "\" does not mention \"" << reason_mentions << "\"";
  }
  if (res.header("WWW-Authenticate").rfind("Bearer", 0) != 0) {
    return ::testing::AssertionFailure() << "401 without a Bearer challenge";
  }
  return ::testing::AssertionSuccess();
}

// "2026-11-22T15:04:05Z"
inline bool is_rfc3339_utc(std::string const& text) {
  static std::regex const format(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$)");
  return std::regex_match(text, format);
}

// The Unix time of an RFC 3339 UTC timestamp (as is_rfc3339_utc accepts); -1 when it is not one.
inline std::int64_t parse_rfc3339(std::string const& text) {
  if (!is_rfc3339_utc(text)) return -1;
  std::tm tm{};
  ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return static_cast<std::int64_t>(::timegm(&tm));
}

inline std::string str(boost::json::value const& v, std::string_view key) {
  return std::string(v.at(key).as_string());
}

inline std::int64_t num(boost::json::value const& v, std::string_view key) { return v.at(key).to_number<std::int64_t>(); }

}  // namespace gatehouse::testing
