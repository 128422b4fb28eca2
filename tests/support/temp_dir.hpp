#pragma once
#include <filesystem>

namespace gatehouse::testing {

// A fresh directory under $TMPDIR, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(TempDir const&) = delete;
  TempDir& operator=(TempDir const&) = delete;
  std::filesystem::path const& path() const { return path_; }
  std::filesystem::path operator/(std::string const& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The whole file as bytes ("" when absent).
std::string read_file(std::filesystem::path const& path);

}  // namespace gatehouse::testing
