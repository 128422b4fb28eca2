#include "gatehouse/net/tls_context.hpp"

#include <boost/asio/ssl/context.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace gatehouse::net {

namespace ssl = boost::asio::ssl;

namespace {

// Mozilla's "intermediate" TLS 1.2 list: forward secrecy and authenticated encryption only.
constexpr char const* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// OpenSSL's reason for the last failure, and the error queue emptied for the next caller.
std::string openssl_reason() {
  unsigned long const code = ERR_peek_last_error();
  char const* text = code ? ERR_reason_error_string(code) : nullptr;
  std::string reason = text ? text : "unknown error";
  ERR_clear_error();
  return reason;
}

// OpenSSL names a missing file "system lib"; say which file and why in the system's words.
void require_readable(std::filesystem::path const& path, std::string const& what) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) throw std::runtime_error(what + " " + path.string() + " cannot be read: " + std::strerror(errno));
}

}  // namespace

TlsContextPtr make_server_tls_context(std::filesystem::path const& cert_chain, std::filesystem::path const& key) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* const handle = context->native_handle();
  SSL_CTX_set_min_proto_version(handle, TLS1_2_VERSION);
  SSL_CTX_set_options(handle, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // An idle stream need not keep OpenSSL's record buffers: they are allocated again on use.
  SSL_CTX_set_mode(handle, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(handle, tls12_ciphers) != 1) {
    throw std::runtime_error("TLS: the cipher list was refused: " + openssl_reason());
  }
  ERR_clear_error();
  require_readable(cert_chain, "TLS certificate");
  require_readable(key, "TLS key");
  if (SSL_CTX_use_certificate_chain_file(handle, cert_chain.c_str()) != 1) {
    throw std::runtime_error("TLS certificate " + cert_chain.string() + " cannot be loaded: " + openssl_reason());
  }
  if (SSL_CTX_use_PrivateKey_file(handle, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (unsigned long const code = ERR_peek_last_error();
        ERR_GET_LIB(code) == ERR_LIB_X509 && ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      throw std::runtime_error("TLS key " + key.string() + " does not match the certificate " + cert_chain.string());
    }
    throw std::runtime_error("TLS key " + key.string() + " cannot be loaded: " + openssl_reason());
  }
  if (SSL_CTX_check_private_key(handle) != 1) {
    throw std::runtime_error("TLS key " + key.string() + " does not match the certificate " + cert_chain.string());
  }
  return context;
}

TlsCertificate::TlsCertificate(std::filesystem::path cert_chain, std::filesystem::path key)
    : cert_chain_(std::move(cert_chain)), key_(std::move(key)), current_(make_server_tls_context(cert_chain_, key_)) {}

TlsContextPtr TlsCertificate::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::string TlsCertificate::reload() {
  TlsContextPtr fresh;
  try {
    fresh = make_server_tls_context(cert_chain_, key_);
  } catch (std::exception const& e) {
    return e.what();
  }
  std::lock_guard lock(mutex_);
  current_ = std::move(fresh);
  return {};
}

}  // namespace gatehouse::net
