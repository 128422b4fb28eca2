#pragma once
// The completion handler for a coroutine nobody awaits (a connection, a background task): an
// exception that escapes it is logged with what the coroutine was and counted
// (gatehouse_coroutine_failures_total), never dropped unseen. The
// coroutine's own registrations release themselves (RAII), so nothing is left behind either way.
#include <exception>
#include <string_view>

namespace gatehouse {

class LogEscapedException {
 public:
  explicit constexpr LogEscapedException(std::string_view what) : what_(what) {}
  void operator()(std::exception_ptr error) const;

 private:
  std::string_view what_;  // a literal: outlives the coroutine
};

// asio::co_spawn(executor, task(), report_failures("listener"));
constexpr LogEscapedException report_failures(std::string_view what) { return LogEscapedException(what); }

}  // namespace gatehouse
