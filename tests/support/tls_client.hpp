#pragma once
// The TLS client side shared by the test clients: a context that trusts only the test's CA and
// checks that the certificate names 127.0.0.1. Included by the support sources and TLS tests only.
#include "support/http_client.hpp"

#include <boost/asio/ssl/context.hpp>

namespace gatehouse::testing {

boost::asio::ssl::context verifying_client_context(TlsTrust const& trust);

}  // namespace gatehouse::testing
