// Every refusal maps to the contract's status and exact detail; 401s carry a Bearer challenge.
#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/errors.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace {

using gatehouse::ErrorCode;
using gatehouse::Failure;
using gatehouse::api::describe;
using gatehouse::api::error_response;
using gatehouse::api::Response;

constexpr ErrorCode first_code = ErrorCode::bad_request;
constexpr ErrorCode last_code = ErrorCode::shutting_down;

std::vector<ErrorCode> all_codes() {
  std::vector<ErrorCode> out;
  for (int i = static_cast<int>(first_code); i <= static_cast<int>(last_code); ++i) out.push_back(static_cast<ErrorCode>(i));
  return out;
}

std::optional<std::string> header(Response const& r, std::string_view name) {
  for (auto const& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

struct Expected {
  ErrorCode code;
  std::string arg;
  int status;
  std::string detail;
};

// The contract's table, verbatim, plus the statuses the contract implies for the rest.
std::vector<Expected> const contract = {
    {ErrorCode::missing_bearer_token, "", 401, "Missing Bearer token"},
    {ErrorCode::token_expired, "", 401, "Token expired"},
    {ErrorCode::invalid_token, "x", 401, "Invalid token: x"},
    {ErrorCode::invalid_token, "unknown token", 401, "Invalid token: unknown token"},
    {ErrorCode::invalid_authorized_party, "", 401, "Invalid authorized party"},
    {ErrorCode::rebind_requires_user, "", 401, "Rebind requires an authenticated user token; got anonymous session"},
    {ErrorCode::research_not_found, "", 404, "Research not found"},
    {ErrorCode::session_not_found, "", 404, "Session not found"},
    {ErrorCode::secret_not_found, "", 404, "Secret not found"},
    {ErrorCode::device_rebound_elsewhere, "d1", 409, "device d1 already rebound to a different user"},
    {ErrorCode::research_finished, "", 409, "Research already finished"},
    {ErrorCode::device_id_required, "", 422, "device_id required"},
    {ErrorCode::invalid_body, "title must be a string", 422, "title must be a string"},
    {ErrorCode::too_many_requests, "", 429, "Too many requests"},
    {ErrorCode::jwks_not_loaded, "", 503, "JWKS not loaded"},
};

TEST(ErrorMapping, ContractErrorsHaveTheirExactStatusAndDetail) {
  for (auto const& e : contract) {
    auto const d = describe(Failure(e.code, e.arg));
    EXPECT_EQ(d.status, e.status) << e.detail;
    EXPECT_EQ(d.detail, e.detail);
  }
}

TEST(ErrorMapping, OtherErrorsHaveTheirHttpStatus) {
  std::vector<std::pair<ErrorCode, int>> const statuses = {
      {ErrorCode::bad_request, 400},       {ErrorCode::forbidden, 403},         {ErrorCode::route_not_found, 404},
      {ErrorCode::method_not_allowed, 405}, {ErrorCode::payload_too_large, 413}, {ErrorCode::uri_too_long, 414},
      {ErrorCode::principal_not_found, 404}, {ErrorCode::backup_destination_exists, 409},
      {ErrorCode::backup_failed, 422},      {ErrorCode::headers_too_large, 431},  {ErrorCode::database_unavailable, 503}, {ErrorCode::shutting_down, 503},
  };
  for (auto const& [code, status] : statuses) {
    EXPECT_EQ(describe(Failure(code, "why")).status, status) << static_cast<int>(code);
  }
}

TEST(ErrorMapping, EveryCodeHasItsOwnMappingWithADetailAndACode) {
  std::vector<std::string_view> codes;
  for (ErrorCode code : all_codes()) {
    auto const d = describe(Failure(code, "arg"));
    EXPECT_GE(d.status, 400) << static_cast<int>(code);
    EXPECT_LT(d.status, 600) << static_cast<int>(code);
    EXPECT_NE(d.status, 500) << "code " << static_cast<int>(code) << " fell through to the internal error";
    EXPECT_FALSE(d.detail.empty()) << static_cast<int>(code);
    EXPECT_FALSE(d.code.empty()) << static_cast<int>(code);
    codes.push_back(d.code);
  }
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(std::adjacent_find(codes.begin(), codes.end()), codes.end()) << "two errors share a machine-readable code";
}

TEST(ErrorMapping, TheResponseIsJsonWithDetailAndCode) {
  for (auto const& e : contract) {
    Response const r = error_response(Failure(e.code, e.arg));
    EXPECT_EQ(r.status, e.status);
    EXPECT_EQ(r.content_type, "application/json");
    auto const body = boost::json::parse(r.body).as_object();
    ASSERT_TRUE(body.contains("detail")) << r.body;
    EXPECT_EQ(std::string(body.at("detail").as_string()), e.detail);
    ASSERT_TRUE(body.contains("code")) << r.body;
    EXPECT_EQ(std::string(body.at("code").as_string()), std::string(describe(Failure(e.code, e.arg)).code));
  }
}

TEST(ErrorMapping, Every401CarriesABearerChallenge) {
  for (ErrorCode code : all_codes()) {
    Response const r = error_response(Failure(code, "x"));
    auto const challenge = header(r, "WWW-Authenticate");
    if (r.status == 401) {
      ASSERT_TRUE(challenge) << static_cast<int>(code);
      EXPECT_TRUE(challenge->starts_with("Bearer")) << *challenge;
    } else {
      EXPECT_FALSE(challenge) << "status " << r.status << " carries a challenge";
    }
  }
}

TEST(ErrorMapping, ABadTokenChallengeSaysInvalidTokenAndAMissingOneDoesNot) {
  auto const missing = header(error_response(Failure(ErrorCode::missing_bearer_token)), "WWW-Authenticate");
  auto const invalid = header(error_response(Failure(ErrorCode::invalid_token, "x")), "WWW-Authenticate");
  ASSERT_TRUE(missing);
  ASSERT_TRUE(invalid);
  EXPECT_EQ(missing->find("error="), std::string::npos) << *missing;
  EXPECT_NE(invalid->find("error=\"invalid_token\""), std::string::npos) << *invalid;
}

TEST(ErrorMapping, Unavailable503sSayWhenToRetry) {
  for (ErrorCode code : {ErrorCode::jwks_not_loaded, ErrorCode::database_unavailable, ErrorCode::shutting_down}) {
    EXPECT_TRUE(header(error_response(Failure(code)), "Retry-After")) << static_cast<int>(code);
  }
}

}  // namespace
