#include "gatehouse/streams/outbox.hpp"

namespace gatehouse::streams {

bool Outbox::push(OutboxItem item) {
  bool wake = false;
  bool accepted = false;
  {
    std::lock_guard lock(mutex_);
    if (reason_ != CloseReason::none) return false;
    if (items_.size() >= capacity_) {
      reason_ = CloseReason::overflow;
      items_.clear();
      wake = true;
    } else {
      wake = items_.empty();
      items_.push_back(std::move(item));
      accepted = true;
    }
  }
  if (wake && wake_) wake_();
  return accepted;
}

void Outbox::close(CloseReason reason) {
  {
    std::lock_guard lock(mutex_);
    if (reason_ != CloseReason::none) return;
    reason_ = reason;
  }
  if (wake_) wake_();
}

std::vector<OutboxItem> Outbox::take() {
  std::vector<OutboxItem> out;
  std::lock_guard lock(mutex_);
  out.swap(items_);
  return out;
}

CloseReason Outbox::close_reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

}  // namespace gatehouse::streams
