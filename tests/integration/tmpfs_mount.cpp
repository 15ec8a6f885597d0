#include "tmpfs_mount.hpp"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "test_env.hpp"

namespace grid::test {

TmpfsMount::TmpfsMount(const std::string& size) : dir_(make_temp_dir("grid-tmpfs")) {
  const std::string options = "size=" + size + ",mode=0755";
  if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) == 0) {
    mounted_ = true;
  } else {
    why_ =
        "cannot mount a tmpfs on " + dir_.string() + ": " + std::strerror(errno) + " (needs root)";
  }
}

TmpfsMount::~TmpfsMount() {
  if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool TmpfsMount::resize(const std::string& size) {
  const std::string options = "size=" + size;
  if (::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, options.c_str()) == 0) return true;
  why_ = "cannot resize the tmpfs on " + dir_.string() + ": " + std::strerror(errno);
  return false;
}

void TmpfsMount::fill() const {
  std::ofstream out(dir_ / "filler", std::ios::binary);
  const std::string block(64 * 1024, 'x');
  while (out.write(block.data(), static_cast<std::streamsize>(block.size())) && out.flush()) {
  }
}

}  // namespace grid::test
