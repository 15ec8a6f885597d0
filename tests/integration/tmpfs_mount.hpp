// A size-limited tmpfs mounted on a fresh temporary directory, for tests of a full store.
// Needs CAP_SYS_ADMIN (root, as in CI); without it mounted() is false and why() says so.
// Unmounts (lazily, should a process still hold a file there) and removes the directory at
// destruction. Owned by one test thread.
#pragma once

#include <filesystem>
#include <string>

namespace grid::test {

class TmpfsMount {
 public:
  explicit TmpfsMount(const std::string& size);  // size as mount(8) takes it, e.g. "8m"
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  const std::filesystem::path& dir() const { return dir_; }

  // Changes the size limit in place (the files stay); false with why() on failure.
  bool resize(const std::string& size);
  // Writes one file until the file system refuses more: the tmpfs is then full.
  void fill() const;

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string why_;
};

}  // namespace grid::test
