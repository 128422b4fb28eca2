#include "gatehouse/domain/research.hpp"

#include "gatehouse/errors.hpp"
#include "gatehouse/store/research_store.hpp"

namespace gatehouse::domain {

boost::asio::awaitable<store::ResearchRecord> Research::create(std::string const& owner_id, std::string const& title) {
  co_return co_await db_.write([&](store::Tx& tx) { return store::create_research(tx, owner_id, title, now_unix()); });
}

boost::asio::awaitable<std::vector<store::ResearchRecord>> Research::list(std::string const& owner_id) {
  co_return co_await db_.read([&](store::Tx& tx) { return store::list_research(tx, owner_id); });
}

boost::asio::awaitable<std::optional<store::ResearchRecord>> Research::find(std::string const& id,
                                                                          std::string const& owner_id) {
  co_return co_await db_.read([&](store::Tx& tx) { return store::find_research(tx, id, owner_id); });
}

boost::asio::awaitable<store::EventRecord> Research::post_event(std::string const& id, std::string const& owner_id,
                                                                std::string const& event, std::string const& data_json) {
  auto const result = co_await db_.write([&](store::Tx& tx) {
    auto appended = store::append_event(tx, id, owner_id, event, data_json, now_unix());
    if (auto const* e = std::get_if<store::EventRecord>(&appended)) changes_.record(tx, EventCommitted{*e});
    return appended;
  });
  if (auto const* refusal = std::get_if<store::AppendRefusal>(&result)) {
    throw Failure(*refusal == store::AppendRefusal::finished ? ErrorCode::research_finished
                                                             : ErrorCode::research_not_found);
  }
  co_return std::get<store::EventRecord>(result);
}

}  // namespace gatehouse::domain
