#pragma once
// Every open stream, by the session it authenticated with: revoking a session closes its
// streams (within the second the contract allows, in practice at once), and shutdown closes
// them all.
#include "gatehouse/streams/outbox.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gatehouse::streams {

class StreamRegistry {
 public:
  enum class Kind { sse, ws };

  std::uint64_t add(std::string const& session_id, std::shared_ptr<Outbox> const& outbox, Kind kind);
  void remove(std::uint64_t id);

  void close_session(std::string const& session_id, CloseReason reason);
  void close_all(CloseReason reason);

  std::size_t count(Kind kind) const;

 private:
  struct Entry {
    std::string session_id;
    std::weak_ptr<Outbox> outbox;
    Kind kind;
  };
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, Entry> streams_;
  std::unordered_multimap<std::string, std::uint64_t> by_session_;
  std::size_t counts_[2] = {0, 0};
};

}  // namespace gatehouse::streams
