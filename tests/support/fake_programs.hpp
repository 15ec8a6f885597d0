// A temporary directory of fake programs placed first on $PATH for one test. Each fake is a
// /bin/sh script; recorders write their arguments (one per line) to `<name>.argv` and their
// environment to `<name>.env` in the directory, so the exact argv a backend ran can be
// asserted without running the real program. Restores $PATH and removes the directory on
// destruction. Test processes are single-test (gtest_discover_tests runs each case alone).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace grid::backends::test {

class FakePrograms {
 public:
  FakePrograms() {
    std::string pattern = (std::filesystem::temp_directory_path() / "grid-fake-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    const char* path = std::getenv("PATH");
    old_path_ = path == nullptr ? "" : path;
    ::setenv("PATH", (dir_.string() + ":" + old_path_).c_str(), 1);
  }
  ~FakePrograms() {
    ::setenv("PATH", old_path_.c_str(), 1);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  FakePrograms(const FakePrograms&) = delete;
  FakePrograms& operator=(const FakePrograms&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

  // An executable script `name` with `body` after the #!/bin/sh line.
  void add(const std::string& name, const std::string& body) {
    const auto file = dir_ / name;
    std::ofstream(file) << "#!/bin/sh\n" << body;
    ::chmod(file.c_str(), 0755);
  }

  // A script that records its argv and environment, prints `<name> output` on stdout and
  // `<name> warning` on stderr, and exits with `exit_code`.
  void add_recorder(const std::string& name, int exit_code = 0) {
    const std::string base = (dir_ / name).string();
    add(name, ": > '" + base + ".argv'\n" + "for a in \"$@\"; do printf '%s\\n' \"$a\" >> '" +
                  base + ".argv'; done\n" + "env > '" + base + ".env'\n" + "echo '" + name +
                  " output'\n" + "echo '" + name + " warning' >&2\n" + "exit " +
                  std::to_string(exit_code) + "\n");
  }

  // The recorded argv of `name` (without argv[0]); empty when it never ran.
  std::vector<std::string> argv(const std::string& name) const { return lines(name + ".argv"); }
  bool ran(const std::string& name) const {
    return std::filesystem::exists(dir_ / (name + ".argv"));
  }
  std::vector<std::string> env(const std::string& name) const { return lines(name + ".env"); }

 private:
  std::vector<std::string> lines(const std::string& file) const {
    std::ifstream in(dir_ / file);
    std::vector<std::string> result;
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }

  std::filesystem::path dir_;
  std::string old_path_;
};

}  // namespace grid::backends::test
