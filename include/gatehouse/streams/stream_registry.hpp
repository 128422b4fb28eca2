#pragma once
// Every open stream, by the credentials it authenticated with (a session id, an API key id, or
// both when a session acts under a key): revoking either closes its streams (within the second
// the contract allows, in practice at once), and shutdown closes them all. A stream registers
// for as long as it holds its Registration, which leaves the registry when destroyed.
#include "gatehouse/streams/outbox.hpp"
#include "gatehouse/util/registration.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace gatehouse::streams {

class StreamRegistry {
 public:
  enum class Kind { sse, ws };

  using Registration = gatehouse::Registration<StreamRegistry>;

  // A stream registered after close_all is closed at once with its reason: shutdown cannot miss a
  // stream that was still being set up.
  [[nodiscard]] Registration add(std::vector<std::string> credential_ids, std::shared_ptr<Outbox> const& outbox,
                                 Kind kind);

  void close_credential(std::string const& credential_id, CloseReason reason);
  // Closes every stream, and every one registered from now on (shutdown).
  void close_all(CloseReason reason);
  // Closes the streams open now; later ones register as usual.
  void close_open(CloseReason reason);

  std::size_t count(Kind kind) const;

 private:
  struct Entry {
    std::vector<std::string> credential_ids;
    std::weak_ptr<Outbox> outbox;
    Kind kind;
  };
  friend class gatehouse::Registration<StreamRegistry>;
  void remove(std::uint64_t id);

  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, Entry> streams_;
  std::unordered_multimap<std::string, std::uint64_t> by_credential_;
  std::size_t counts_[2] = {0, 0};
  CloseReason closed_ = CloseReason::none;
};

}  // namespace gatehouse::streams
