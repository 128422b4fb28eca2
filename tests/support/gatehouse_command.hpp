#pragma once
// Runs the gatehouse binary as a command (gatehouse --help, gatehouse admin ...) to completion,
// capturing what it prints and how it exits.
#include <string>
#include <vector>

namespace gatehouse::testing {

struct Exit {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// args follow the binary's name; env entries ("NAME=value") are added to this process's
// environment. A run that has not exited within a minute is killed (exit code 137).
Exit run_gatehouse(std::vector<std::string> args, std::vector<std::string> const& env = {});

}  // namespace gatehouse::testing
