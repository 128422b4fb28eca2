#include "gatehouse/util/log.hpp"

#include "gatehouse/json/json_string.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <thread>

namespace gatehouse::log {

namespace {

std::atomic<Level> current_level{Level::info};

// Event lines are written at once. Access lines, one per request, are buffered and written by
// a background thread every 100 ms (or at 64 KiB), so a request costs no write system call.
class Sink {
 public:
  ~Sink() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (flusher_.joinable()) flusher_.join();
    flush();
  }

  void write_now(std::string const& line) {
    std::lock_guard lock(mutex_);
    buffer_ += line;
    write_locked();
  }

  void write_soon(std::string const& line) {
    std::lock_guard lock(mutex_);
    buffer_ += line;
    if (buffer_.size() >= 64 * 1024) {
      write_locked();
      return;
    }
    if (!flusher_.joinable()) flusher_ = std::thread([this] { run(); });
  }

  void flush() {
    std::lock_guard lock(mutex_);
    write_locked();
  }

 private:
  void write_locked() {
    if (buffer_.empty()) return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
    std::fflush(stdout);
    buffer_.clear();
  }

  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::milliseconds(100));
      write_locked();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::string buffer_;
  bool stopping_ = false;
  std::thread flusher_;
};

Sink& sink() {
  static Sink s;
  return s;
}

void append_time(std::string& out) {
  auto const now = std::chrono::system_clock::now();
  auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  // Every request writes a line: the date and time are formatted once per second per thread
  // (gmtime_r takes glibc's timezone lock and strftime is slow), the milliseconds by hand.
  thread_local std::int64_t cached_second = -1;
  thread_local char cached[24];
  thread_local std::size_t cached_size = 0;
  std::int64_t const second = ms / 1000;
  if (second != cached_second) {
    std::time_t const secs = static_cast<std::time_t>(second);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    cached_size = std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_second = second;
  }
  int const millis = static_cast<int>(ms % 1000);
  char const frac[] = {'.', static_cast<char>('0' + millis / 100), static_cast<char>('0' + millis / 10 % 10),
                       static_cast<char>('0' + millis % 10), 'Z'};
  out.push_back('"');
  out.append(cached, cached_size).append(frac, sizeof frac);
  out.push_back('"');
}

constexpr std::string_view names[] = {"debug", "info", "warn", "error", "off"};

}  // namespace

void set_level(Level level) { current_level.store(level, std::memory_order_relaxed); }
Level level() { return current_level.load(std::memory_order_relaxed); }
bool enabled(Level l) { return l >= level() && l != Level::off; }

bool parse_level(std::string_view text, Level& out) {
  for (int i = 0; i < 5; ++i) {
    if (text == names[i]) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

namespace {

std::string format_line(Level l, std::string_view msg, std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(160);
  line += "{\"time\":";
  append_time(line);
  line += ",\"level\":\"";
  line += names[static_cast<int>(l)];
  line += "\",\"msg\":";
  json::append_json_string(line, msg);
  for (auto const& f : fields) {
    line += ',';
    json::append_json_string(line, f.key);
    line += ':';
    std::visit(
        [&line](auto const& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            json::append_json_string(line, v);
          } else if constexpr (std::is_same_v<T, bool>) {
            line += v ? "true" : "false";
          } else {
            line += std::to_string(v);
          }
        },
        f.value);
  }
  line += "}\n";
  return line;
}

}  // namespace

void write(Level l, std::string_view msg, std::initializer_list<Field> fields) {
  if (!enabled(l)) return;
  sink().write_now(format_line(l, msg, fields));
}

void access(std::initializer_list<Field> fields) {
  if (!enabled(Level::info)) return;
  sink().write_soon(format_line(Level::info, "request", fields));
}

void flush() { sink().flush(); }

}  // namespace gatehouse::log
