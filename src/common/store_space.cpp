#include "grid/common/store_space.hpp"

#include <sys/statvfs.h>

namespace grid {

std::optional<std::string> store_space_problem(const std::filesystem::path& dir) {
  std::filesystem::path existing = dir;
  std::error_code ignored;
  while (!std::filesystem::exists(existing, ignored) && existing.has_parent_path() &&
         existing != existing.parent_path()) {
    existing = existing.parent_path();
  }
  struct statvfs fs {};
  if (::statvfs(existing.c_str(), &fs) != 0) return std::nullopt;
  const std::uint64_t free = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (free >= kMinStoreFreeBytes) return std::nullopt;
  return "JetStream store " + dir.string() + " is full (" + std::to_string(free) +
         " bytes free, at least 1 MiB needed)";
}

}  // namespace grid
