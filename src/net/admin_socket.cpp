#include "gatehouse/net/admin_socket.hpp"

#include "gatehouse/api/error_mapping.hpp"
#include "gatehouse/api/request_id.hpp"
#include "gatehouse/net.hpp"
#include "gatehouse/util/log.hpp"
#include "gatehouse/util/spawn.hpp"
#include "net/http_connection.hpp"
#include "gatehouse/net/beast_messages.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

namespace gatehouse::net {

using local = asio::local::stream_protocol;

namespace {

// A socket file nobody answers on is what a crashed run leaves behind.
bool answered_by_a_live_server(std::filesystem::path const& path) {
  asio::io_context probe;
  local::socket socket(probe);
  boost::system::error_code ec;
  socket.connect(local::endpoint(path.string()), ec);
  return !ec;
}

void remove_stale_socket(std::filesystem::path const& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;  // nothing there
  if (!S_ISSOCK(st.st_mode)) {
    throw std::runtime_error("admin socket " + path.string() + " exists and is not a socket; remove it or set --admin-socket");
  }
  if (answered_by_a_live_server(path)) {
    throw std::runtime_error("admin socket " + path.string() + " is in use by a running gatehouse");
  }
  ::unlink(path.c_str());
}

struct Peer {
  bool known = false;
  uid_t uid = 0;
};

Peer peer_of(local::socket& socket) {
  ucred cred{};
  socklen_t size = sizeof cred;
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &size) != 0) return {};
  return Peer{true, cred.uid};
}

asio::awaitable<void> serve_admin_connection(local::socket socket, api::Dispatcher const& dispatcher, HttpLimits limits) {
  Peer const peer = peer_of(socket);
  bool const allowed = peer.known && admin_peer_allowed(peer.uid, ::geteuid());
  beast::basic_stream<local> stream(std::move(socket));
  std::optional<api::Response> refusal;
  if (!allowed) {
    std::string const who = peer.known ? "uid " + std::to_string(peer.uid) : std::string("an unknown peer");
    log::warn("admin socket: peer refused", {{"uid", peer.known ? static_cast<std::int64_t>(peer.uid) : -1}});
    refusal = api::error_response(
        Failure(ErrorCode::forbidden, "admin socket: " + who + " is neither the server's user nor root"));
    refusal->close_connection = true;
  }
  RequestLoopState state;  // not in the connection registry: shutdown does not wait for operators
  co_await serve_requests(stream, limits, state, dispatcher,
                          RequestSource{"admin-socket", refusal ? &*refusal : nullptr});
  beast::error_code ignored;
  stream.socket().shutdown(local::socket::shutdown_send, ignored);
}

}  // namespace

bool admin_peer_allowed(uid_t peer_uid, uid_t server_uid) { return peer_uid == server_uid || peer_uid == 0; }

AdminSocket::AdminSocket(asio::io_context& ioc, std::filesystem::path path) : path_(std::move(path)), acceptor_(ioc) {
  remove_stale_socket(path_);
  boost::system::error_code ec;
  acceptor_.open(local(), ec);
  if (!ec) {
    // Created 0600 from the start: a chmod after bind would leave a moment where anyone may connect.
    mode_t const previous = ::umask(0177);
    acceptor_.bind(local::endpoint(path_.string()), ec);
    ::umask(previous);
  }
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on admin socket " + path_.string() + ": " + ec.message());
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) inode_ = st.st_ino;
}

AdminSocket::~AdminSocket() {
  close();
  // Another server may have replaced a socket it found unanswered; that one is not ours to remove.
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && st.st_ino == inode_) ::unlink(path_.c_str());
}

void AdminSocket::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

asio::awaitable<void> accept_admin_connections(AdminSocket& socket, api::Dispatcher const& dispatcher,
                                               HttpLimits limits) {
  auto executor = co_await asio::this_coro::executor;
  auto& acceptor = socket.acceptor();
  auto& ioc = static_cast<asio::io_context&>(acceptor.get_executor().context());
  for (;;) {
    auto [ec, peer] = co_await acceptor.async_accept(asio::make_strand(ioc), use_nothrow);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      log::warn("admin accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(executor, std::chrono::milliseconds(100));
      co_await pause.async_wait(use_nothrow);
      continue;
    }
    auto peer_executor = peer.get_executor();
    asio::co_spawn(peer_executor, serve_admin_connection(std::move(peer), dispatcher, limits),
                   report_failures("admin connection"));
  }
}

}  // namespace gatehouse::net
