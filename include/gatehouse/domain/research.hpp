#pragma once
// Research items and their events: creation, reads, and posting an event, whose commit
// publishes it to the hub (in seq order: commit hooks run in commit order on one thread).
#include "gatehouse/domain/change_applier.hpp"
#include "gatehouse/store/db_executor.hpp"
#include "gatehouse/store/records.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace gatehouse::domain {

class Research {
 public:
  Research(store::DbExecutor& db, ChangeApplier& changes) : db_(db), changes_(changes) {}

  boost::asio::awaitable<store::ResearchRecord> create(std::string const& owner_id, std::string const& title);
  boost::asio::awaitable<std::vector<store::ResearchRecord>> list(std::string const& owner_id);
  // Only the owner's: another principal's item is indistinguishable from a missing one.
  boost::asio::awaitable<std::optional<store::ResearchRecord>> find(std::string const& id, std::string const& owner_id);
  // Appends the next event. Throws Failure: research_not_found, research_finished.
  boost::asio::awaitable<store::EventRecord> post_event(std::string const& id, std::string const& owner_id,
                                                        std::string const& event, std::string const& data_json);

 private:
  store::DbExecutor& db_;
  ChangeApplier& changes_;
};

}  // namespace gatehouse::domain
