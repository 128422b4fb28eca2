#include "gatehouse/api/dispatcher.hpp"

#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/util/log.hpp"

#include <boost/json/object.hpp>

#include <chrono>

namespace gatehouse::api {

boost::asio::awaitable<Response> Dispatcher::dispatch(Request const& req) const {
  auto const started = std::chrono::steady_clock::now();
  auto const match = router_.match(req.method, req.path);
  Response response;
  std::optional<Failure> failure;
  try {
    if (auto preflight = cors_.preflight(req)) {
      response = std::move(*preflight);
    } else if (match.handler) {
      response = co_await (*match.handler)(req, match.params);
    } else if (!match.allowed.empty()) {
      failure.emplace(ErrorCode::method_not_allowed);
    } else {
      failure.emplace(ErrorCode::route_not_found);
    }
  } catch (Failure const& f) {
    failure = f;
  } catch (store::DbError const& e) {
    if (!e.unavailable()) {
      log::error("database error", {{"route", match.pattern}, {"error", e.what()}});
      response = json_response(500, boost::json::object{{"detail", "Internal server error"}, {"code", "internal_error"}});
    } else {
      log::warn("database unavailable", {{"route", match.pattern}, {"error", e.what()}});
      failure.emplace(ErrorCode::database_unavailable);
    }
  } catch (std::exception const& e) {
    log::error("unhandled error", {{"route", match.pattern}, {"error", e.what()}});
    response = json_response(500, boost::json::object{{"detail", "Internal server error"}, {"code", "internal_error"}});
  }
  if (failure) {
    response = error_response(*failure);
    if (failure->code() == ErrorCode::method_not_allowed) response.headers.emplace_back("Allow", match.allowed);
  }
  cors_.decorate(req, response);
  if (log::enabled(log::Level::info)) {
    auto const micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    // The path, never the query string: tokens may travel there on stream routes.
    log::access({{"method", to_string(req.method)},
                          {"route", match.pattern.empty() ? std::string_view("(unmatched)") : match.pattern},
                          {"status", response.status},
                          {"duration_us", static_cast<std::int64_t>(micros)}});
  }
  co_return response;
}

}  // namespace gatehouse::api
