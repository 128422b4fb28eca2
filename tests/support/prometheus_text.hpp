#pragma once
// A strict parser of the Prometheus text exposition format (0.0.4), for tests: every line is a
// HELP, a TYPE or a sample; names and labels follow the format's grammar; a family is declared
// (HELP then TYPE) before its samples, once, and its samples are contiguous; values are numbers;
// a series appears once; histogram buckets are cumulative, end in +Inf, and agree with _count,
// with _sum present. Anything else is an error naming the line.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::testing {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromFamily {
  std::string help;
  std::string type;  // counter | gauge | histogram
  std::vector<PromSample> samples;
};

struct PromScrape {
  std::map<std::string, PromFamily> families;

  // The value of the series with exactly these labels; nullopt when absent.
  std::optional<double> value(std::string const& name, std::map<std::string, std::string> const& labels = {}) const;
  // The same, 0 when absent (a counter that has not been touched yet).
  double counter(std::string const& name, std::map<std::string, std::string> const& labels = {}) const;
};

// Throws std::runtime_error naming the first offending line.
PromScrape parse_prometheus_text(std::string const& text);

}  // namespace gatehouse::testing
