#pragma once
// An invariant a fuzz target holds: when it breaks, print what broke and abort, so that
// libFuzzer records the input as a crash (assert() would vanish under NDEBUG).
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                  \
  do {                                                                                         \
    if (!(condition)) {                                                                        \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition);  \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)
