#include "gatehouse/util/spawn.hpp"

#include "gatehouse/metrics/instruments.hpp"
#include "gatehouse/util/log.hpp"

namespace gatehouse {

void LogEscapedException::operator()(std::exception_ptr error) const {
  if (!error) return;
  std::string reason = "unknown exception";
  try {
    std::rethrow_exception(error);
  } catch (std::exception const& e) {
    reason = e.what();
  } catch (...) {
  }
  metrics::instruments().coroutine_failures.inc();
  log::error("coroutine ended by an exception", {{"coroutine", what_}, {"error", reason}});
}

}  // namespace gatehouse
