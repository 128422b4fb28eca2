#include "gatehouse/api/dispatcher.hpp"

#include "gatehouse/api/authentication.hpp"
#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/metrics/instruments.hpp"
#include "gatehouse/store/database.hpp"
#include "gatehouse/util/log.hpp"

#include <boost/json/object.hpp>

#include <chrono>

namespace gatehouse::api {

boost::asio::awaitable<Response> Dispatcher::dispatch(Request const& incoming) const {
  auto const started = std::chrono::steady_clock::now();
  // The handler learns who is calling; the log line below needs to know it too.
  RequestContext context;
  Request req = incoming;
  req.context = &context;
  auto const match = router_.match(req.method, req.path);
  Response response;
  std::optional<Failure> failure;
  try {
    if (auto preflight = cors_.preflight(req)) {
      response = std::move(*preflight);
    } else if (match.handler) {
      std::optional<auth::Caller> caller;
      if (match.access.access != Access::open) {
        if (!services_) throw std::logic_error("a route with an access rule on a dispatcher that cannot admit callers");
        std::optional<auth::NotInMemory> missing;
        try {
          caller.emplace(admit(*services_, req, match.access));
        } catch (auth::NotInMemory const& m) {
          missing = m;  // issued on another node a moment ago, perhaps: one read, then again
        }
        if (missing) {
          co_await look_up(*services_, *missing);
          caller.emplace(admit(*services_, req, match.access));
        }
        req.admitted = &*caller;
      }
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
    if (response.status == 401 || response.status == 403) {
      metrics::instruments().auth_failures.labels({describe(*failure).code}).inc();
    }
    if (failure->code() == ErrorCode::method_not_allowed) response.headers.emplace_back("Allow", match.allowed);
  }
  cors_.decorate(req, response);
  auto const elapsed = std::chrono::steady_clock::now() - started;
  metrics::record_request(match.pattern.empty() ? std::string_view("unmatched") : match.pattern, to_string(req.method),
                          response.status, std::chrono::duration<double>(elapsed).count());
  if (log::enabled(log::Level::info)) {
    auto const micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    // The path, never the query string: tokens may travel there on stream routes.
    std::string_view const route = match.pattern.empty() ? std::string_view("(unmatched)") : match.pattern;
    // An id, never a credential: the principal's public id, absent until a handler authenticated.
    if (context.principal_id.empty()) {
      log::access({{"method", to_string(req.method)},
                   {"route", route},
                   {"status", response.status},
                   {"duration_us", static_cast<std::int64_t>(micros)},
                   {"request_id", req.request_id}});
    } else {
      log::access({{"method", to_string(req.method)},
                   {"route", route},
                   {"status", response.status},
                   {"duration_us", static_cast<std::int64_t>(micros)},
                   {"request_id", req.request_id},
                   {"principal_id", context.principal_id}});
    }
  }
  co_return response;
}

}  // namespace gatehouse::api
