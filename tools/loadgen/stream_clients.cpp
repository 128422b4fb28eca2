#include "loadgen/stream_clients.hpp"

#include "gatehouse/net.hpp"

#include "loadgen/http_client.hpp"
#include "loadgen/publisher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>

#include <array>
#include <charconv>
#include <cstdio>

namespace gatehouse::loadgen {

using tcp = asio::ip::tcp;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_pending_sse = 1 << 20;  // an unterminated SSE event larger than this is an error
constexpr std::size_t max_ws_message = 64 * 1024;

constexpr int max_diagnostics = 5;  // failures and drops described one by one on stderr

// One stream's bookkeeping, from attempt to close.
struct StreamLife {
  Run& run;
  std::size_t index;
  bool websocket;
  std::size_t research;
  std::uint64_t started_ns;
  std::uint64_t live_ns = 0;
  bool resolved = false;  // live or failed
  bool live = false;

  void diagnose(char const* what, std::uint64_t since_ns, std::string const& reason) const {
    if (run.stopping.load() || run.stats.diagnostics.fetch_add(1) >= max_diagnostics) return;
    std::fprintf(stderr, "gatehouse-load: stream #%zu (%s, research #%zu) %s %.3f s after %s: %s\n", index,
                 websocket ? "ws" : "sse", research, what, static_cast<double>(steady_ns() - since_ns) / 1e9,
                 since_ns == started_ns ? "its first attempt" : "going live", reason.c_str());
  }
  std::string const& token() const { return run.tokens[run.plan.session_of_stream(index)]; }
  std::string const& research_id() const { return run.research_ids[research]; }
  // False, and the stream counted as failed, when its session or research was not set up.
  bool set_up() {
    if (!token().empty() && !research_id().empty()) return true;
    fail("setup failed for its session or research");
    return false;
  }
  void fail(std::string const& reason) {
    resolved = true;
    run.stats.failed.fetch_add(1);
    run.stats.connect_failures.add(reason);
    run.stats.inflight.fetch_sub(1);
    diagnose("failed", started_ns, reason);
  }
  void upgraded(bool websocket) {
    run.stats.note_upgrade(steady_ns());
    (websocket ? run.stats.ws_upgraded : run.stats.sse_upgraded).fetch_add(1);
  }
  void go_live() {
    resolved = true;
    live = true;
    live_ns = steady_ns();
    run.connect_time.record(steady_ns() - started_ns);
    run.stats.subscribed.fetch_add(1);
    run.stats.live.fetch_add(1);
    run.stats.subscribers[research].fetch_add(1);
    run.stats.inflight.fetch_sub(1);
  }
  void end(std::string const& reason) {
    if (!resolved) {
      fail(reason);
      return;
    }
    if (!live) return;
    live = false;
    run.stats.live.fetch_sub(1);
    run.stats.subscribers[research].fetch_sub(1);
    if (!run.stopping.load()) {
      run.stats.dropped.fetch_add(1);
      run.stats.drops.add(reason);
      diagnose("dropped", live_ns, reason);
    }
  }
};

std::uint64_t deadline_left_ms(StreamLife const& life) {
  std::uint64_t const deadline = life.started_ns + static_cast<std::uint64_t>(life.run.options.connect_timeout * 1e9);
  std::uint64_t const now = steady_ns();
  return deadline > now ? (deadline - now) / 1000000 + 1 : 1;
}

std::string_view view_of(beast::flat_buffer const& buffer) {
  auto const data = buffer.data();
  return {static_cast<char const*>(data.data()), data.size()};
}

// Connects the lowest layer from this stream's source address, within the setup deadline.
asio::awaitable<std::string> connect_tcp(beast::tcp_stream& stream, StreamLife const& life, std::size_t index) {
  Run& run = life.run;
  if (auto ec = open_from(stream.socket(), run.sources[index % run.sources.size()])) co_return describe(ec);
  stream.expires_after(std::chrono::milliseconds(deadline_left_ms(life)));
  auto [ec] = co_await stream.async_connect(run.stream_target(index).endpoint, use_nothrow);
  if (ec) co_return describe(ec);
  stream.socket().set_option(tcp::no_delay(true), ec);
  co_return std::string();
}

struct BearerHeader {
  std::string const* token;
  void operator()(websocket::request_type& req) const {
    req.set(http::field::authorization, "Bearer " + *token);
    req.set(http::field::user_agent, "gatehouse-load");
  }
};

struct NoHeaders {
  void operator()(websocket::request_type&) const {}
};

std::string ws_close_reason(websocket::stream<beast::tcp_stream> const& ws, beast::error_code ec) {
  if (ec != websocket::error::closed) return describe(ec);
  auto const& reason = ws.reason();
  std::string out = "ws close " + std::to_string(static_cast<unsigned>(reason.code));
  if (!reason.reason.empty()) out += " " + std::string(reason.reason.data(), reason.reason.size());
  return out;
}

// A WebSocket message during setup: "welcome" (ignored), "subscribed" (live), or "error" (fails).
enum class Setup { waiting, subscribed, refused };

Setup setup_message(std::string_view text, std::string& error) {
  boost::system::error_code ec;
  auto const parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return Setup::waiting;
  auto const& msg = parsed.get_object();
  auto const* type = msg.if_contains("type");
  if (!type || !type->is_string()) return Setup::waiting;
  if (type->get_string() == "subscribed") return Setup::subscribed;
  if (type->get_string() == "error") {
    auto const* detail = msg.if_contains("detail");
    error = "ws error: " + (detail && detail->is_string() ? std::string(detail->get_string()) : std::string("?"));
    return Setup::refused;
  }
  return Setup::waiting;
}

void live_ws_message(Run& run, std::string_view text, std::uint64_t received_ns) {
  constexpr std::string_view event_prefix = "{\"type\":\"event\"";
  if (text.starts_with(event_prefix)) {
    auto const data = text.find(",\"data\":");
    if (data != std::string_view::npos) {
      if (auto stamp = parse_stamp(text.substr(data))) record_delivery(run, *stamp, received_ns);
    }
    return;
  }
  std::string error;
  if (setup_message(text, error) == Setup::refused) run.stats.stream_errors.fetch_add(1);
}

asio::awaitable<void> websocket_stream(Run& run, std::size_t index) {
  StreamLife life{run, index, true, run.plan.research_of_stream(index), steady_ns()};
  try {
    if (!life.set_up()) co_return;
    std::string const& token = life.token();
    std::string const& research_id = life.research_id();
    websocket::stream<beast::tcp_stream> ws(co_await asio::this_coro::executor);
    if (auto error = co_await connect_tcp(beast::get_lowest_layer(ws), life, index); !error.empty()) {
      life.fail(error);
      co_return;
    }
    beast::get_lowest_layer(ws).expires_never();  // the websocket layer keeps its own deadlines

    websocket::stream_base::timeout setup_timeouts{};
    setup_timeouts.handshake_timeout = std::chrono::milliseconds(deadline_left_ms(life));
    setup_timeouts.idle_timeout = setup_timeouts.handshake_timeout;  // until subscribed
    setup_timeouts.keep_alive_pings = false;
    ws.set_option(setup_timeouts);
    ws.read_message_max(max_ws_message);
    ws.write_buffer_bytes(256);  // a client masks into this buffer: the default 4 KiB stays allocated
    ws.set_option(websocket::stream_base::decorator(BearerHeader{&token}));
    {
      websocket::response_type response;
      auto [ec] = co_await ws.async_handshake(response, run.stream_target(life.index).host, "/ws", use_nothrow);
      if (ec) {
        life.fail(response.result_int() != 0 && response.result_int() != 101
                      ? "http " + std::to_string(response.result_int())
                      : "ws handshake: " + describe(ec));
        co_return;
      }
    }
    ws.set_option(websocket::stream_base::decorator(NoHeaders{}));
    life.upgraded(true);

    beast::flat_buffer buffer;
    {
      std::string const subscribe = "{\"type\":\"subscribe\",\"research_id\":\"" + research_id + "\",\"after_seq\":0}";
      ws.text(true);
      auto [ec, n] = co_await ws.async_write(asio::buffer(subscribe), use_nothrow);
      if (ec) {
        life.fail("ws subscribe: " + ws_close_reason(ws, ec));
        co_return;
      }
    }
    for (;;) {
      auto [ec, n] = co_await ws.async_read(buffer, use_nothrow);
      if (ec) {
        life.fail("ws before subscribed: " + ws_close_reason(ws, ec));
        co_return;
      }
      std::string error;
      Setup const state = setup_message(view_of(buffer), error);
      buffer.clear();
      if (state == Setup::refused) {
        life.fail(error);
        co_return;
      }
      if (state == Setup::subscribed) break;
    }
    buffer.shrink_to_fit();
    websocket::stream_base::timeout live_timeouts{};
    live_timeouts.handshake_timeout = std::chrono::seconds(5);  // for a close handshake
    live_timeouts.idle_timeout = websocket::stream_base::none();  // idle is the point; the server pings
    live_timeouts.keep_alive_pings = false;
    ws.set_option(live_timeouts);
    life.go_live();

    for (;;) {
      auto [ec, n] = co_await ws.async_read(buffer, use_nothrow);
      std::uint64_t const received = steady_ns();
      if (ec) {
        life.end(ws_close_reason(ws, ec));
        co_return;
      }
      live_ws_message(run, view_of(buffer), received);
      buffer.clear();
      buffer.shrink_to_fit();  // an idle connection holds no read buffer
    }
  } catch (std::exception const& e) {
    life.end(std::string("exception: ") + e.what());
  }
}

// SSE parsing: complete events are "\n\n"-terminated blocks of "field: value" lines.
struct SseParse {
  std::string pending;  // an incomplete event; usually empty (and then unallocated)
  std::string note;     // the last control event (revoked, error), for the drop reason
};

void sse_block(Run& run, SseParse& parse, std::string_view block, std::uint64_t received_ns) {
  std::size_t const data = block.starts_with("data: ") ? 0 : block.find("\ndata: ");
  if (data == std::string_view::npos) return;  // ": keepalive" and the like
  std::string_view value = block.substr(data + (data == 0 ? 6 : 7));
  value = value.substr(0, value.find('\n'));
  if (auto stamp = parse_stamp(value)) {
    record_delivery(run, *stamp, received_ns);
    return;
  }
  std::size_t const event = block.starts_with("event: ") ? 0 : block.find("\nevent: ");
  if (event != std::string_view::npos) {
    std::string_view name = block.substr(event + (event == 0 ? 7 : 8));
    name = name.substr(0, name.find('\n'));
    parse.note = "sse " + std::string(name) + " " + std::string(value.substr(0, 80));
  }
}

// Returns false when the stream is broken (an event larger than max_pending_sse).
bool sse_bytes(Run& run, SseParse& parse, std::string_view chunk, std::uint64_t received_ns) {
  bool const buffered = !parse.pending.empty();
  if (buffered) parse.pending.append(chunk);
  std::string_view const input = buffered ? std::string_view(parse.pending) : chunk;
  std::size_t pos = 0;
  for (;;) {
    auto const end = input.find("\n\n", pos);
    if (end == std::string_view::npos) break;
    sse_block(run, parse, input.substr(pos, end - pos), received_ns);
    pos = end + 2;
  }
  if (buffered) {
    parse.pending.erase(0, pos);
  } else {
    parse.pending.assign(input.substr(pos));
  }
  if (parse.pending.empty()) std::string().swap(parse.pending);  // release the buffer
  return parse.pending.size() <= max_pending_sse;
}

// One read buffer per thread: an SSE stream waits for readability without a buffer, then reads
// what is there into this one without blocking (each io_context has exactly one thread).
std::array<char, 64 * 1024>& scratch() {
  thread_local std::array<char, 64 * 1024> buffer;
  return buffer;
}

asio::awaitable<void> sse_stream(Run& run, std::size_t index) {
  StreamLife life{run, index, false, run.plan.research_of_stream(index), steady_ns()};
  try {
    if (!life.set_up()) co_return;
    std::string const& token = life.token();
    std::string const& research_id = life.research_id();
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    if (auto error = co_await connect_tcp(stream, life, index); !error.empty()) {
      life.fail(error);
      co_return;
    }
    SseParse parse;
    {
      std::string const request = "GET /research/" + research_id + "/events HTTP/1.1\r\nHost: " + run.stream_target(index).host +
                                  "\r\nAuthorization: Bearer " + token +
                                  "\r\nAccept: text/event-stream\r\nUser-Agent: gatehouse-load\r\n\r\n";
      stream.expires_after(std::chrono::milliseconds(deadline_left_ms(life)));
      auto [ec, n] = co_await asio::async_write(stream, asio::buffer(request), use_nothrow);
      if (ec) {
        life.fail("sse request: " + describe(ec));
        co_return;
      }
    }
    {
      std::string head;
      std::size_t head_end = std::string::npos;
      while (head_end == std::string::npos) {
        std::size_t const old = head.size();
        if (old > 16 * 1024) {
          life.fail("sse: oversized response head");
          co_return;
        }
        head.resize(old + 2048);
        stream.expires_after(std::chrono::milliseconds(deadline_left_ms(life)));
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(head.data() + old, 2048), use_nothrow);
        head.resize(old + n);
        if (ec) {
          life.fail("sse before head: " + describe(ec));
          co_return;
        }
        head_end = head.find("\r\n\r\n");
      }
      int status = 0;
      if (head.starts_with("HTTP/1.") && head.size() >= 12) {
        std::from_chars(head.data() + 9, head.data() + 12, status);
      }
      if (status != 200) {
        life.fail("http " + std::to_string(status));
        co_return;
      }
      stream.expires_never();
      life.upgraded(false);
      life.go_live();
      sse_bytes(run, parse, std::string_view(head).substr(head_end + 4), steady_ns());
    }

    auto& socket = stream.socket();
    socket.non_blocking(true);
    for (;;) {
      auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_read, use_nothrow);
      if (wait_ec) {
        life.end(describe(wait_ec));
        co_return;
      }
      for (;;) {
        boost::system::error_code ec;
        auto& buffer = scratch();
        std::size_t const n = socket.read_some(asio::buffer(buffer), ec);
        std::uint64_t const received = steady_ns();
        if (ec == asio::error::would_block || ec == asio::error::try_again) break;
        if (ec) {
          life.end(parse.note.empty() ? describe(ec) : parse.note);
          co_return;
        }
        if (!sse_bytes(run, parse, std::string_view(buffer.data(), n), received)) {
          life.end("sse: oversized event");
          co_return;
        }
        if (n < buffer.size()) break;
      }
    }
  } catch (std::exception const& e) {
    life.end(std::string("exception: ") + e.what());
  }
}

}  // namespace

asio::awaitable<void> open_streams(Run& run) {
  auto const start = steady_ns();
  run.connect_start_ns.store(start);
  run.stats.first_attempt_ns.store(start);
  Pacer pacer(run.options.connect_rate, start);
  for (std::size_t i = 0; i < run.plan.streams; ++i) {
    if (run.stopping.load()) break;
    co_await sleep_until_ns(pacer.due_ns(i));
    while (run.stats.inflight.load() >= run.options.max_inflight && !run.stopping.load()) {
      co_await sleep_for(std::chrono::milliseconds(1));
    }
    run.stats.inflight.fetch_add(1);
    run.stats.attempted.fetch_add(1);
    auto& context = run.pool.context(i);
    if (run.plan.is_websocket(i)) {
      asio::co_spawn(context, websocket_stream(run, i), Finished{nullptr, "a WebSocket stream"});
    } else {
      asio::co_spawn(context, sse_stream(run, i), Finished{nullptr, "an SSE stream"});
    }
  }
  while (run.stats.inflight.load() > 0 && !run.stopping.load()) co_await sleep_for(std::chrono::milliseconds(10));
  run.connect_end_ns.store(steady_ns());
}

}  // namespace gatehouse::loadgen
