#include "support/tls_client.hpp"

#include <boost/asio/ssl/host_name_verification.hpp>

namespace gatehouse::testing {

namespace ssl = boost::asio::ssl;

ssl::context verifying_client_context(TlsTrust const& trust) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(trust.ca_file.string());
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  return ctx;
}

}  // namespace gatehouse::testing
