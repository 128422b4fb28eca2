// Stored secrets are sealed with AES-256-GCM under a key file that only the service can read.
#include "gatehouse/crypto/secret_box.hpp"

#include "gatehouse/crypto/base64url.hpp"
#include "gatehouse/crypto/random.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using gatehouse::crypto::SecretBox;

constexpr std::size_t nonce_size = 12;

SecretBox test_box() {
  SecretBox::Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 1);
  return SecretBox(key);
}

class SecretBoxKeyFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / gatehouse::crypto::random_id("gatehouse-secret-box-");
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path key_path() const { return dir_ / "secrets.key"; }

  void write_key_file(std::string const& text, fs::perms perms) const {
    std::ofstream(key_path()) << text;
    fs::permissions(key_path(), perms, fs::perm_options::replace);
  }

  fs::path dir_;
};

TEST(SecretBox, SealThenOpenRoundTrips) {
  auto const box = test_box();
  for (std::string const& plaintext : {std::string(), std::string("sk-live-123"), std::string(5000, 'x')}) {
    auto const sealed = box.seal(plaintext, "secret:p_1:openai");
    EXPECT_EQ(sealed.size(), plaintext.size() + 28);
    EXPECT_EQ(box.open(sealed, "secret:p_1:openai"), plaintext);
  }
}

TEST(SecretBox, SealingTwiceUsesDifferentNonces) {
  auto const box = test_box();
  auto const a = box.seal("value", "ad");
  auto const b = box.seal("value", "ad");
  EXPECT_NE(a.substr(0, nonce_size), b.substr(0, nonce_size));
  EXPECT_NE(a, b);
}

TEST(SecretBox, TamperedCiphertextFailsToOpen) {
  auto const box = test_box();
  auto sealed = box.seal("sk-live-123", "ad");
  sealed[nonce_size] = static_cast<char>(sealed[nonce_size] ^ 0x01);
  EXPECT_FALSE(box.open(sealed, "ad"));
}

TEST(SecretBox, TamperedTagFailsToOpen) {
  auto const box = test_box();
  auto sealed = box.seal("sk-live-123", "ad");
  sealed.back() = static_cast<char>(sealed.back() ^ 0x80);
  EXPECT_FALSE(box.open(sealed, "ad"));
}

TEST(SecretBox, TamperedNonceFailsToOpen) {
  auto const box = test_box();
  auto sealed = box.seal("sk-live-123", "ad");
  sealed[0] = static_cast<char>(sealed[0] ^ 0x01);
  EXPECT_FALSE(box.open(sealed, "ad"));
}

TEST(SecretBox, WrongAssociatedDataFailsToOpen) {
  auto const box = test_box();
  auto const sealed = box.seal("sk-live-123", "secret:p_1:openai");
  EXPECT_FALSE(box.open(sealed, "secret:p_2:openai"));
  EXPECT_FALSE(box.open(sealed, ""));
}

TEST(SecretBox, TruncatedSealedValueFailsToOpen) {
  auto const box = test_box();
  auto const sealed = box.seal("sk-live-123", "ad");
  EXPECT_FALSE(box.open(sealed.substr(0, sealed.size() - 1), "ad"));
  EXPECT_FALSE(box.open(sealed.substr(0, 27), "ad"));
  EXPECT_FALSE(box.open("", "ad"));
}

TEST(SecretBox, AnotherKeyFailsToOpen) {
  auto const sealed = test_box().seal("sk-live-123", "ad");
  SecretBox::Key other{};
  other.fill(0x42);
  EXPECT_FALSE(SecretBox(other).open(sealed, "ad"));
}

TEST_F(SecretBoxKeyFile, MissingKeyFileIsCreatedWithMode0600) {
  ASSERT_FALSE(fs::exists(key_path()));
  SecretBox::from_key_file(key_path());
  struct stat st{};
  ASSERT_EQ(::stat(key_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string text;
  std::getline(std::ifstream(key_path()), text);
  auto const raw = gatehouse::crypto::base64url_decode(text);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->size(), SecretBox::key_size);
}

TEST_F(SecretBoxKeyFile, ExistingKeyFileIsReusedOnSecondLoad) {
  auto const first = SecretBox::from_key_file(key_path());
  auto const sealed = first.seal("sk-live-123", "ad");
  auto const second = SecretBox::from_key_file(key_path());
  EXPECT_EQ(second.open(sealed, "ad"), std::string("sk-live-123"));
}

TEST_F(SecretBoxKeyFile, GroupReadableKeyFileIsRefused) {
  SecretBox::from_key_file(key_path());
  fs::permissions(key_path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read,
                  fs::perm_options::replace);
  EXPECT_THROW(SecretBox::from_key_file(key_path()), std::runtime_error);
}

TEST_F(SecretBoxKeyFile, WorldReadableKeyFileIsRefused) {
  SecretBox::from_key_file(key_path());
  fs::permissions(key_path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read,
                  fs::perm_options::replace);
  EXPECT_THROW(SecretBox::from_key_file(key_path()), std::runtime_error);
}

TEST_F(SecretBoxKeyFile, MalformedKeyFileIsRefused) {
  write_key_file("this is not a key\n", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_THROW(SecretBox::from_key_file(key_path()), std::runtime_error);
}

TEST_F(SecretBoxKeyFile, KeyFileOfTheWrongLengthIsRefused) {
  std::string const short_key(16, 'k');
  write_key_file(gatehouse::crypto::base64url_encode(short_key) + "\n", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_THROW(SecretBox::from_key_file(key_path()), std::runtime_error);
}

}  // namespace

namespace {

// Several nodes started at once on one new key file: every one gets the same whole key.
TEST(SecretBoxKeyFileRace, NodesCreatingOneKeyFileAtOnceAllGetTheSameKey) {
  gatehouse::testing::TempDir dir;
  auto const path = dir.path() / "shared.key";
  std::vector<std::optional<gatehouse::crypto::SecretBox>> boxes(8);
  std::vector<std::thread> threads;
  for (auto& box : boxes) threads.emplace_back([&box, &path] { box.emplace(gatehouse::crypto::SecretBox::from_key_file(path)); });
  for (auto& t : threads) t.join();
  std::string const sealed = boxes[0]->seal("value", "ad");
  for (auto const& box : boxes) EXPECT_EQ(box->open(sealed, "ad"), "value");
  std::size_t files = 0;
  for ([[maybe_unused]] auto const& entry : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u) << "a temporary key file was left behind";
}

}  // namespace
