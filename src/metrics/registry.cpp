#include "gatehouse/metrics/registry.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <utility>

namespace gatehouse::metrics {

// ---------------------------------------------------------------------------------- Histogram

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
}

void Histogram::observe(double v) {
  // Buckets are "less than or equal": v lands in the first bucket whose bound is >= v.
  auto const index = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative.resize(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

// ------------------------------------------------------------------------------------- Writer

namespace {

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto const r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

void append_escaped(std::string& out, std::string_view s, bool quotes) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

std::string_view type_name(Type t) {
  switch (t) {
    case Type::counter: return "counter";
    case Type::gauge: return "gauge";
    case Type::histogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

void Writer::header(std::string_view name, std::string_view help, Type type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void Writer::labels_of(Labels const& labels) {
  if (labels.empty()) return;
  out_ += '{';
  bool first = true;
  for (auto const& [k, v] : labels) {
    if (!first) out_ += ',';
    first = false;
    out_ += k;
    out_ += "=\"";
    append_escaped(out_, v, true);
    out_ += '"';
  }
  out_ += '}';
}

void Writer::sample(std::string_view name, Labels const& labels, double value) {
  out_ += name;
  labels_of(labels);
  out_ += ' ';
  append_number(out_, value);
  out_ += '\n';
}

void Writer::sample(std::string_view name, Labels const& labels, std::uint64_t value) {
  out_ += name;
  labels_of(labels);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
}

void Writer::histogram(std::string_view name, Labels const& labels, Histogram::Snapshot const& snapshot) {
  std::string const bucket = std::string(name) + "_bucket";
  std::string le;
  for (std::size_t i = 0; i < snapshot.cumulative.size(); ++i) {
    le.clear();
    if (i < snapshot.bounds.size()) {
      append_number(le, snapshot.bounds[i]);
    } else {
      le = "+Inf";
    }
    auto with_le = labels;
    with_le.emplace_back("le", le);
    out_ += bucket;
    labels_of(with_le);
    out_ += ' ';
    out_ += std::to_string(snapshot.cumulative[i]);
    out_ += '\n';
  }
  out_ += name;
  out_ += "_sum";
  labels_of(labels);
  out_ += ' ';
  append_number(out_, snapshot.sum);
  out_ += '\n';
  out_ += name;
  out_ += "_count";
  labels_of(labels);
  out_ += ' ';
  out_ += std::to_string(snapshot.count);
  out_ += '\n';
}

// ------------------------------------------------------------------------------------- Family

template <typename T>
Family<T>::Family(std::vector<std::string> label_names, Factory make, std::size_t max_series)
    : label_names_(std::move(label_names)),
      make_(std::move(make)),
      max_series_(max_series),
      // Twice the series, so probes stay short even when the family is full.
      mask_(std::bit_ceil(std::max<std::size_t>(max_series * 2, 2)) - 1),
      slots_(std::make_unique<std::atomic<Node*>[]>(mask_ + 1)),
      overflow_{0, std::vector<std::string>(label_names_.size(), "_overflow"), make_()} {}

template <typename T>
Family<T>::~Family() {
  for (std::size_t i = 0; i <= mask_; ++i) delete slots_[i].load(std::memory_order_acquire);
}

template <typename T>
std::uint64_t Family<T>::hash_of(std::initializer_list<std::string_view> values) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a, with a separator between values
  for (auto v : values) {
    for (char c : v) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    h = (h ^ 0xffu) * 1099511628211ull;
  }
  return h;
}

template <typename T>
bool Family<T>::same(Node const& node, std::initializer_list<std::string_view> values) {
  std::size_t i = 0;
  for (auto v : values) {
    if (node.values[i++] != v) return false;
  }
  return true;
}

template <typename T>
T& Family<T>::labels(std::initializer_list<std::string_view> values) {
  if (values.size() != label_names_.size()) return *overflow_.metric;
  std::uint64_t const h = hash_of(values);
  std::size_t slot = h & mask_;
  for (std::size_t probes = 0; probes <= mask_; ++probes, slot = (slot + 1) & mask_) {
    Node* node = slots_[slot].load(std::memory_order_acquire);
    if (!node) {
      if (size_.load(std::memory_order_relaxed) >= max_series_) return *overflow_.metric;
      auto fresh = std::make_unique<Node>(Node{h, std::vector<std::string>(values.begin(), values.end()), make_()});
      if (slots_[slot].compare_exchange_strong(node, fresh.get(), std::memory_order_acq_rel,
                                               std::memory_order_acquire)) {
        size_.fetch_add(1, std::memory_order_relaxed);
        return *fresh.release()->metric;
      }
      // Another thread published a series in this slot first; node is now that series.
    }
    if (node->hash == h && same(*node, values)) return *node->metric;
  }
  return *overflow_.metric;
}

template <typename T>
std::vector<std::pair<std::vector<std::string> const*, T const*>> Family<T>::series() const {
  std::vector<std::pair<std::vector<std::string> const*, T const*>> out;
  for (std::size_t i = 0; i <= mask_; ++i) {
    if (Node const* node = slots_[i].load(std::memory_order_acquire)) out.emplace_back(&node->values, node->metric.get());
  }
  std::sort(out.begin(), out.end(), [](auto const& a, auto const& b) { return *a.first < *b.first; });
  if (size_.load(std::memory_order_relaxed) >= max_series_) out.emplace_back(&overflow_.values, overflow_.metric.get());
  return out;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ----------------------------------------------------------------------------------- Registry

struct Registry::Entry {
  std::string name;
  std::string help;
  Type type;
  std::unique_ptr<Family<Counter>> counters;
  std::unique_ptr<Family<Gauge>> gauges;
  std::unique_ptr<Family<Histogram>> histograms;
};

Registry::Registry() = default;
Registry::~Registry() = default;

Family<Counter>& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names) {
  auto entry = std::make_unique<Entry>(Entry{std::move(name), std::move(help), Type::counter, {}, {}, {}});
  entry->counters = std::make_unique<Family<Counter>>(std::move(label_names), [] { return std::make_unique<Counter>(); });
  std::lock_guard lock(mutex_);
  families_.push_back(std::move(entry));
  return *families_.back()->counters;
}

Family<Gauge>& Registry::gauge(std::string name, std::string help, std::vector<std::string> label_names) {
  auto entry = std::make_unique<Entry>(Entry{std::move(name), std::move(help), Type::gauge, {}, {}, {}});
  entry->gauges = std::make_unique<Family<Gauge>>(std::move(label_names), [] { return std::make_unique<Gauge>(); });
  std::lock_guard lock(mutex_);
  families_.push_back(std::move(entry));
  return *families_.back()->gauges;
}

Family<Histogram>& Registry::histogram(std::string name, std::string help, std::vector<std::string> label_names,
                                       std::vector<double> bounds) {
  auto entry = std::make_unique<Entry>(Entry{std::move(name), std::move(help), Type::histogram, {}, {}, {}});
  entry->histograms = std::make_unique<Family<Histogram>>(
      std::move(label_names), [bounds = std::move(bounds)] { return std::make_unique<Histogram>(bounds); });
  std::lock_guard lock(mutex_);
  families_.push_back(std::move(entry));
  return *families_.back()->histograms;
}

Registry::CollectorHandle::CollectorHandle(CollectorHandle&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}

Registry::CollectorHandle& Registry::CollectorHandle::operator=(CollectorHandle&& other) noexcept {
  if (this != &other) {
    if (registry_) registry_->remove_collector(id_);
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

Registry::CollectorHandle::~CollectorHandle() {
  if (registry_) registry_->remove_collector(id_);
}

Registry::CollectorHandle Registry::add_collector(Collector collect) {
  std::lock_guard lock(mutex_);
  std::uint64_t const id = next_collector_++;
  collectors_.emplace_back(id, std::move(collect));
  return CollectorHandle(this, id);
}

void Registry::remove_collector(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(collectors_, [id](auto const& c) { return c.first == id; });
}

namespace {

template <typename T>
Writer::Labels label_pairs(Family<T> const& family, std::vector<std::string> const& values) {
  Writer::Labels out;
  for (std::size_t i = 0; i < values.size(); ++i) out.emplace_back(family.label_names()[i], values[i]);
  return out;
}

}  // namespace

std::string Registry::render() const {
  Writer w;
  std::lock_guard lock(mutex_);
  for (auto const& f : families_) {
    w.header(f->name, f->help, f->type);
    if (f->counters) {
      for (auto const& [values, counter] : f->counters->series()) {
        w.sample(f->name, label_pairs(*f->counters, *values), counter->value());
      }
    } else if (f->gauges) {
      for (auto const& [values, gauge] : f->gauges->series()) {
        w.sample(f->name, label_pairs(*f->gauges, *values), gauge->value());
      }
    } else if (f->histograms) {
      for (auto const& [values, histogram] : f->histograms->series()) {
        w.histogram(f->name, label_pairs(*f->histograms, *values), histogram->snapshot());
      }
    }
  }
  for (auto const& [id, collect] : collectors_) collect(w);
  return w.text();
}

Registry& registry() {
  static Registry r;
  return r;
}

std::vector<double> latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace gatehouse::metrics
