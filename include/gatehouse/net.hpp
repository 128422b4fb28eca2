#pragma once
// The short names every Asio/Beast file here uses (as Beast's own examples do), in one place
// instead of a preamble per file. Declares the namespaces only: it pulls in no Boost header.
namespace boost::asio {}
namespace boost::beast::http {}
namespace boost::beast::websocket {}

namespace gatehouse {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
}  // namespace gatehouse
