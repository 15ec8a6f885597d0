#include "temp_dir.hpp"

#include <stdlib.h>

#include <fstream>

#include "grid/common/error.hpp"

namespace grid::cli::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "gridc-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw Error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& content) const {
  auto file = path_ / name;
  std::ofstream(file) << content;
  return file;
}

}  // namespace grid::cli::test
