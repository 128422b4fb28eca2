#pragma once
// Replay-then-live without gaps or duplicates. Runs on the database thread, where commit hooks
// (and so EventHub::publish) also run: between two write batches, it reads one page of stored
// events after `after_seq` and, when that page reaches the end, attaches the outbox to the hub
// in the same step. Everything committed before is in the page, everything after is published
// to the outbox; nothing can fall in between.
#include "gatehouse/store/transaction.hpp"
#include "gatehouse/streams/event_hub.hpp"

#include <optional>

namespace gatehouse::streams {

struct ReplayPage {
  bool found = false;                               // the research exists and is the owner's
  bool finished = false;                            // its status is done: no event will follow
  std::int64_t last_seq = 0;                        // the last seq queued so far
  std::optional<EventHub::SubscriptionId> attached;  // set once caught up and live
};

// `preface` (e.g. the WebSocket "subscribed" reply) is queued first when the research is found.
ReplayPage replay_page(store::Tx& tx, EventHub& hub, std::string const& research_id, std::string const& owner_id,
                       std::shared_ptr<Outbox> const& outbox, Format format, std::int64_t after_seq,
                       std::size_t page_size, std::shared_ptr<std::string const> const& preface);

}  // namespace gatehouse::streams
