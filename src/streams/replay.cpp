#include "gatehouse/streams/replay.hpp"

#include "gatehouse/store/research_store.hpp"

namespace gatehouse::streams {

ReplayPage replay_page(store::Tx& tx, EventHub& hub, std::string const& research_id, std::string const& owner_id,
                       std::shared_ptr<Outbox> const& outbox, Format format, std::int64_t after_seq,
                       std::size_t page_size, std::shared_ptr<std::string const> const& preface) {
  ReplayPage result;
  result.last_seq = after_seq;
  auto const research = store::find_research(tx, research_id, owner_id);
  if (!research) return result;
  result.found = true;
  result.finished = research->status == store::ResearchStatus::done;
  if (preface) outbox->push(preface);

  // One more than a page tells whether this page is the last.
  auto events = store::events_after(tx, research_id, after_seq, page_size + 1);
  bool const more = events.size() > page_size;
  if (more) events.resize(page_size);
  for (auto const& e : events) {
    if (!outbox->push(format_event(e).item(format))) return result;  // closed or overflowing
    result.last_seq = e.seq;
  }
  if (!more) result.attached = hub.subscribe(research_id, outbox, format, result.last_seq);
  return result;
}

}  // namespace gatehouse::streams
