#pragma once
#include "gatehouse/store/records.hpp"
#include "gatehouse/store/transaction.hpp"

#include <variant>
#include <vector>

namespace gatehouse::store {

ResearchRecord create_research(Tx& tx, std::string const& owner_id, std::string const& title, UnixSeconds now);

std::vector<ResearchRecord> list_research(Tx& tx, std::string const& owner_id);

// Only the owner's: another principal's item is indistinguishable from a missing one.
std::optional<ResearchRecord> find_research(Tx& tx, std::string const& id, std::string const& owner_id);

enum class AppendRefusal { not_found, finished };

// Appends the next event (seq = last_seq + 1). An event named "done" finishes the item; a
// finished item takes no more events.
std::variant<EventRecord, AppendRefusal> append_event(Tx& tx, std::string const& research_id,
                                                      std::string const& owner_id, std::string const& event,
                                                      std::string const& data_json, UnixSeconds now);

// Stored events with seq > after_seq, in order, at most `limit`.
std::vector<EventRecord> events_after(Tx& tx, std::string const& research_id, std::int64_t after_seq,
                                      std::size_t limit);

}  // namespace gatehouse::store
