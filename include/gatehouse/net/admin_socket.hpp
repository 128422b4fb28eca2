#pragma once
// The admin socket. `gatehouse admin` talks HTTP/1.1 + JSON to the running server over a Unix
// domain socket, so that what it changes (revocations, plans) goes through the same in-memory
// registries and stream closing as the public API. Who may use it: whoever the file's mode
// (0600, the server's user) lets connect, and of those only a peer whose uid (SO_PEERCRED) is
// the server's or root; anyone else gets 403. Included only by the server wiring (Asio).
#include "gatehouse/api/dispatcher.hpp"
#include "gatehouse/net/http_session.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <sys/types.h>

#include <filesystem>

namespace gatehouse::net {

// The peer-credential rule: the server's own uid, or root.
bool admin_peer_allowed(uid_t peer_uid, uid_t server_uid);

class AdminSocket {
 public:
  // Listens on `path`, created with mode 0600. A socket file left by a crashed run is replaced;
  // one a running server answers on, or a path that is not a socket, is refused. Throws
  // std::runtime_error with a one-line reason.
  AdminSocket(boost::asio::io_context& ioc, std::filesystem::path path);
  ~AdminSocket();  // closes and removes the socket file (if it is still the one bound here)
  AdminSocket(AdminSocket const&) = delete;
  AdminSocket& operator=(AdminSocket const&) = delete;

  void close();  // stops accepting
  std::filesystem::path const& path() const { return path_; }
  boost::asio::local::stream_protocol::acceptor& acceptor() { return acceptor_; }

 private:
  std::filesystem::path path_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  ino_t inode_ = 0;
};

// Accepts until the socket is closed; each connection is a coroutine on its own strand.
boost::asio::awaitable<void> accept_admin_connections(AdminSocket& socket, api::Dispatcher const& dispatcher,
                                                      HttpLimits limits);

}  // namespace gatehouse::net
