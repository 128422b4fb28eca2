#include "support/gatehouse_command.hpp"

#include "support/child_process.hpp"

#include <signal.h>

namespace gatehouse::testing {

Exit run_gatehouse(std::vector<std::string> args, std::vector<std::string> const& env) {
  args.insert(args.begin(), GATEHOUSE_BINARY);
  ChildProcess command(std::move(args), ChildOptions{.env = env, .separate_stderr = true});
  // A refusal is immediate; a minute means the binary hangs instead of exiting.
  auto const code = command.wait(std::chrono::seconds(60));
  return Exit{code.value_or(128 + SIGKILL), command.output(), command.error_output()};
}

}  // namespace gatehouse::testing
