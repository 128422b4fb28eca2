#pragma once
// Authenticated encryption of stored secret values: AES-256-GCM with a random 96-bit nonce.
// Sealed form: nonce (12) || ciphertext || tag (16). The associated data binds a ciphertext to
// the row it was written for, so a ciphertext copied to another row does not open.
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

class SecretBox {
 public:
  static constexpr std::size_t key_size = 32;
  using Key = std::array<unsigned char, key_size>;

  explicit SecretBox(Key const& key) : key_(key) {}

  // Reads a 32-byte key file, or creates one (mode 0600, exclusive create) if absent.
  // Throws std::runtime_error with a one-line reason if the file is unusable.
  static SecretBox from_key_file(std::filesystem::path const& path);

  std::string seal(std::string_view plaintext, std::string_view associated_data) const;
  std::optional<std::string> open(std::string_view sealed, std::string_view associated_data) const;

 private:
  Key key_;
};

}  // namespace gatehouse::crypto
