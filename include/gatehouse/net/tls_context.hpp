#pragma once
// The server's TLS certificate and key, loaded into an OpenSSL context with gatehouse's protocol
// policy, and swapped for a fresh one on reload. Forward-declares the context so that this
// header does not pull Asio.SSL into the files that only pass it along.
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace gatehouse::net {

using TlsContextPtr = std::shared_ptr<boost::asio::ssl::context>;

// TLS 1.2 minimum; for 1.2 only ECDHE key exchange with AEAD ciphers (TLS 1.3 suites are
// OpenSSL's defaults, all AEAD); server cipher preference, no compression, no renegotiation.
// Throws std::runtime_error naming the file and OpenSSL's reason when the certificate chain or
// key cannot be read or the key does not belong to the certificate.
TlsContextPtr make_server_tls_context(std::filesystem::path const& cert_chain, std::filesystem::path const& key);

// The context new connections get. A reload builds a new context from the same paths; a
// connection keeps the one it was accepted with (OpenSSL counts the references its session
// holds), so open streams are not dropped. Thread-safe.
class TlsCertificate {
 public:
  // Loads at once; throws as make_server_tls_context does.
  TlsCertificate(std::filesystem::path cert_chain, std::filesystem::path key);

  TlsContextPtr current() const;
  // Reads the files again (blocking: call it off the network threads). On failure the current
  // context stays and the reason is returned; "" on success.
  std::string reload();

  std::filesystem::path const& cert_path() const { return cert_chain_; }

 private:
  std::filesystem::path const cert_chain_;
  std::filesystem::path const key_;
  mutable std::mutex mutex_;
  TlsContextPtr current_;
};

}  // namespace gatehouse::net
