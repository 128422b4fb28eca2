#include "support/prometheus_text.hpp"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace gatehouse::testing {

namespace {

bool is_metric_name(std::string const& s) {
  static std::regex const pattern("[a-zA-Z_:][a-zA-Z0-9_:]*");
  return std::regex_match(s, pattern);
}

bool is_label_name(std::string const& s) {
  static std::regex const pattern("[a-zA-Z_][a-zA-Z0-9_]*");
  return std::regex_match(s, pattern) && s.rfind("__", 0) != 0;
}

[[noreturn]] void fail(std::size_t line_no, std::string const& line, std::string const& why) {
  throw std::runtime_error("line " + std::to_string(line_no) + " (" + line + "): " + why);
}

std::optional<double> parse_value(std::string const& s) {
  if (s == "+Inf") return HUGE_VAL;
  if (s == "-Inf") return -HUGE_VAL;
  if (s == "NaN") return std::nan("");
  static std::regex const number(R"([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)");
  if (!std::regex_match(s, number)) return std::nullopt;
  return std::strtod(s.c_str(), nullptr);
}

// name{a="x",b="y"} value  — returns false with a reason on any deviation.
PromSample parse_sample(std::string const& line, std::size_t line_no) {
  PromSample sample;
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  sample.name = line.substr(0, i);
  if (!is_metric_name(sample.name)) fail(line_no, line, "bad metric name");
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      std::size_t const eq = line.find('=', i);
      if (eq == std::string::npos) fail(line_no, line, "label without =");
      std::string const name = line.substr(i, eq - i);
      if (!is_label_name(name)) fail(line_no, line, "bad label name \"" + name + "\"");
      if (eq + 1 >= line.size() || line[eq + 1] != '"') fail(line_no, line, "label value not quoted");
      std::string value;
      std::size_t j = eq + 2;
      for (;; ++j) {
        if (j >= line.size()) fail(line_no, line, "unterminated label value");
        char const c = line[j];
        if (c == '"') break;
        if (c == '\\') {
          if (j + 1 >= line.size()) fail(line_no, line, "dangling escape");
          char const e = line[++j];
          if (e == 'n') {
            value += '\n';
          } else if (e == '\\' || e == '"') {
            value += e;
          } else {
            fail(line_no, line, "bad escape");
          }
        } else {
          value += c;
        }
      }
      if (!sample.labels.emplace(name, value).second) fail(line_no, line, "duplicate label " + name);
      i = j + 1;
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      fail(line_no, line, "expected , or } after a label");
    }
  }
  if (i >= line.size() || line[i] != ' ') fail(line_no, line, "expected one space before the value");
  std::string const value_text = line.substr(i + 1);
  auto const value = parse_value(value_text);
  if (!value) fail(line_no, line, "value \"" + value_text + "\" is not a number (or a timestamp follows)");
  sample.value = *value;
  return sample;
}

// The family a sample belongs to: its own name, or for a histogram name_bucket/_sum/_count.
bool belongs(std::string const& family, std::string const& type, std::string const& sample) {
  if (sample == family) return type != "histogram";
  if (type != "histogram") return false;
  for (char const* suffix : {"_bucket", "_sum", "_count"}) {
    if (sample == family + suffix) return true;
  }
  return false;
}

void check_histogram(std::string const& name, PromFamily const& family) {
  // Group by the labels other than le.
  std::map<std::map<std::string, std::string>, std::vector<PromSample const*>> buckets;
  std::map<std::map<std::string, std::string>, double> sums, counts;
  for (auto const& s : family.samples) {
    auto labels = s.labels;
    if (s.name == name + "_bucket") {
      if (!labels.count("le")) throw std::runtime_error(name + ": bucket without le");
      labels.erase("le");
      buckets[labels].push_back(&s);
    } else if (s.name == name + "_sum") {
      sums[labels] = s.value;
    } else {
      counts[labels] = s.value;
    }
  }
  for (auto const& [labels, list] : buckets) {
    double previous_le = -HUGE_VAL;
    double previous_count = 0;
    for (auto const* b : list) {
      auto const le = parse_value(b->labels.at("le"));
      if (!le || std::isnan(*le)) throw std::runtime_error(name + ": le is not a number");
      if (*le <= previous_le) throw std::runtime_error(name + ": le not ascending");
      if (b->value < previous_count) throw std::runtime_error(name + ": buckets not cumulative");
      previous_le = *le;
      previous_count = b->value;
    }
    if (list.back()->labels.at("le") != "+Inf") throw std::runtime_error(name + ": last bucket is not +Inf");
    if (!sums.count(labels)) throw std::runtime_error(name + ": _sum missing");
    if (!counts.count(labels)) throw std::runtime_error(name + ": _count missing");
    if (counts[labels] != list.back()->value) throw std::runtime_error(name + ": _count differs from the +Inf bucket");
  }
  if (sums.size() != buckets.size() || counts.size() != buckets.size()) {
    throw std::runtime_error(name + ": _sum/_count without buckets");
  }
}

}  // namespace

PromScrape parse_prometheus_text(std::string const& text) {
  if (!text.empty() && text.back() != '\n') throw std::runtime_error("the text does not end with a newline");
  PromScrape scrape;
  std::istringstream in(text);
  std::string line;
  std::size_t line_no = 0;
  std::string current;  // the family samples may belong to now
  std::string pending_help_name, pending_help;
  std::set<std::pair<std::string, std::map<std::string, std::string>>> seen;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) fail(line_no, line, "empty line");
    if (line.rfind("# HELP ", 0) == 0) {
      std::string const rest = line.substr(7);
      auto const space = rest.find(' ');
      std::string const name = rest.substr(0, space);
      if (!is_metric_name(name)) fail(line_no, line, "bad metric name in HELP");
      if (scrape.families.count(name)) fail(line_no, line, "family declared twice");
      pending_help_name = name;
      pending_help = space == std::string::npos ? "" : rest.substr(space + 1);
      current.clear();
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type, extra;
      words >> name >> type;
      if (words >> extra) fail(line_no, line, "trailing text in TYPE");
      if (name != pending_help_name) fail(line_no, line, "TYPE without a HELP just before it");
      if (type != "counter" && type != "gauge" && type != "histogram") fail(line_no, line, "unknown type");
      scrape.families[name] = PromFamily{pending_help, type, {}};
      pending_help_name.clear();
      current = name;
      continue;
    }
    if (line[0] == '#') fail(line_no, line, "a comment that is neither HELP nor TYPE");
    PromSample sample = parse_sample(line, line_no);
    if (current.empty() || !belongs(current, scrape.families[current].type, sample.name)) {
      fail(line_no, line, "sample outside its family's block");
    }
    if (!seen.emplace(sample.name, sample.labels).second) fail(line_no, line, "series repeated");
    auto const& type = scrape.families[current].type;
    if (type == "counter" && (sample.value < 0 || std::isnan(sample.value))) fail(line_no, line, "negative counter");
    if (type == "counter" && sample.name.size() < 6) fail(line_no, line, "counter name without _total");
    if (type == "counter" && sample.name.compare(sample.name.size() - 6, 6, "_total") != 0) {
      fail(line_no, line, "counter name without _total");
    }
    scrape.families[current].samples.push_back(std::move(sample));
  }
  for (auto const& [name, family] : scrape.families) {
    if (family.type == "histogram") check_histogram(name, family);
  }
  return scrape;
}

std::optional<double> PromScrape::value(std::string const& name, std::map<std::string, std::string> const& labels) const {
  for (auto const& [family_name, family] : families) {
    for (auto const& s : family.samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
  }
  return std::nullopt;
}

double PromScrape::counter(std::string const& name, std::map<std::string, std::string> const& labels) const {
  return value(name, labels).value_or(0);
}

}  // namespace gatehouse::testing
