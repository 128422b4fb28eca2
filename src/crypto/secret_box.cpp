#include "gatehouse/crypto/secret_box.hpp"

#include "gatehouse/crypto/base64url.hpp"
#include "gatehouse/crypto/random.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace gatehouse::crypto {

namespace {

constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

auto const* u8(std::string_view s) { return reinterpret_cast<unsigned char const*>(s.data()); }

[[noreturn]] void fail(std::string const& what) { throw std::runtime_error(what); }

}  // namespace

SecretBox SecretBox::from_key_file(std::filesystem::path const& path) {
  Key key{};
  // Written whole to a file of its own, then linked into place: several nodes starting at once
  // on one new key file all end up with the one that was linked first, and none reads half a key.
  if (!std::filesystem::exists(path)) {
    std::filesystem::path const temporary = path.string() + ".new." + random_id("", 8);
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) fail("cannot create secrets key file " + path.string() + ": " + std::strerror(errno));
    random_bytes(key);
    std::string const text =
        base64url_encode(std::string_view(reinterpret_cast<char const*>(key.data()), key.size())) + "\n";
    bool const ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(temporary.c_str());
      fail("cannot write secrets key file " + path.string() + ": " + std::strerror(errno));
    }
    int const linked = ::link(temporary.c_str(), path.c_str());
    int const link_errno = errno;
    ::unlink(temporary.c_str());
    if (linked == 0) return SecretBox(key);
    if (link_errno != EEXIST) fail("cannot create secrets key file " + path.string() + ": " + std::strerror(link_errno));
  }

  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) fail("cannot stat secrets key file " + path.string());
  if ((st.st_mode & 077) != 0) {
    fail("secrets key file " + path.string() + " is accessible by group or others; run chmod 600 on it");
  }
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  auto const raw = base64url_decode(text);
  if (!raw || raw->size() != key_size) fail("secrets key file " + path.string() + " does not hold a 32-byte base64url key");
  std::memcpy(key.data(), raw->data(), key_size);
  return SecretBox(key);
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view associated_data) const {
  std::string out(nonce_size + plaintext.size() + tag_size, '\0');
  auto* base = reinterpret_cast<unsigned char*>(out.data());
  random_bytes(std::span(base, nonce_size));

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), base) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, u8(associated_data), static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), base + nonce_size, &len, u8(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), base + nonce_size + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_size, base + nonce_size + plaintext.size()) != 1) {
    fail("AES-256-GCM encryption failed");
  }
  return out;
}

std::optional<std::string> SecretBox::open(std::string_view sealed, std::string_view associated_data) const {
  if (sealed.size() < nonce_size + tag_size) return std::nullopt;
  std::size_t const text_size = sealed.size() - nonce_size - tag_size;
  std::string out(text_size, '\0');
  auto const* base = u8(sealed);
  std::array<unsigned char, tag_size> tag{};
  std::memcpy(tag.data(), base + nonce_size + text_size, tag_size);

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), base) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, u8(associated_data), static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), dst, &len, base + nonce_size, static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_size, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), dst + len, &len) != 1) {
    return std::nullopt;
  }
  return out;
}

}  // namespace gatehouse::crypto
