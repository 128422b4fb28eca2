#pragma once
// One stream connection's outbound queue: filled from any thread (the event hub on the
// database thread, the connection's own reader), drained by the connection's writer. Bounded:
// a consumer that falls too far behind is closed with `overflow` instead of growing memory.
// Items are shared, pre-formatted frames: one publish formats once for all subscribers.
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gatehouse::streams {

// Why a stream ends. finished: an SSE stream's research is done (or gone) and nothing will
// follow; failed: the stream could not be served (a database error while replaying).
enum class CloseReason { none, revoked, expired, shutdown, overflow, client_gone, finished, failed };

struct OutboxItem {
  std::shared_ptr<std::string const> text;
  bool ends_stream = false;  // the research's "done" event: an SSE stream closes after it
};

class Outbox {
 public:
  explicit Outbox(std::size_t capacity) : capacity_(capacity) {}

  // Called when the queue becomes non-empty or the outbox is closed, from the pushing thread.
  // Set once, before the outbox is shared.
  void set_waker(std::function<void()> wake) { wake_ = std::move(wake); }

  // False when closed, or when full (which closes the outbox with `overflow`).
  bool push(OutboxItem item);
  bool push(std::shared_ptr<std::string const> text) { return push(OutboxItem{std::move(text), false}); }

  // The first reason wins; later calls are ignored.
  void close(CloseReason reason);

  // Consumer side: everything queued so far, in order.
  std::vector<OutboxItem> take();
  CloseReason close_reason() const;

 private:
  mutable std::mutex mutex_;
  std::vector<OutboxItem> items_;
  std::size_t capacity_;
  CloseReason reason_ = CloseReason::none;
  std::function<void()> wake_;
};

}  // namespace gatehouse::streams
