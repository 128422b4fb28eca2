#include "loadgen/stats.hpp"

#include "gatehouse/net.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

namespace gatehouse::loadgen {

void ReasonCounter::add(std::string const& reason) {
  std::lock_guard lock(mutex_);
  if (counts_.size() >= limit && !counts_.contains(reason)) {
    ++counts_["other"];
    return;
  }
  ++counts_[reason];
}

std::map<std::string, std::uint64_t> ReasonCounter::snapshot() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

std::string describe(boost::system::error_code ec) {
  if (ec == beast::error::timeout || ec == asio::error::timed_out) return "timeout";
  if (ec == asio::error::connection_reset) return "reset";
  if (ec == asio::error::broken_pipe) return "broken pipe";
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::connection_aborted) return "connection aborted";
  if (ec == asio::error::eof || ec == beast::http::error::end_of_stream ||
      ec == beast::http::error::partial_message) {
    return "eof";
  }
  if (ec == asio::error::no_descriptors) return "too many open files";
  if (ec == asio::error::address_in_use) return "address in use";
  if (ec == boost::system::errc::address_not_available) return "no free source port";
  if (ec == asio::error::no_buffer_space || ec == asio::error::no_memory) return "out of buffer space";
  if (ec == asio::error::operation_aborted) return "aborted";
  return ec.message();
}

Stats::Stats(std::size_t research_count) : subscribers(new std::atomic<std::uint32_t>[research_count]) {
  for (std::size_t i = 0; i < research_count; ++i) subscribers[i].store(0, std::memory_order_relaxed);
}

void Stats::note_upgrade(std::uint64_t now_ns) {
  upgraded.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t seen = last_upgrade_ns.load(std::memory_order_relaxed);
  while (now_ns > seen && !last_upgrade_ns.compare_exchange_weak(seen, now_ns, std::memory_order_relaxed)) {
  }
}

}  // namespace gatehouse::loadgen
