#include "grid/natsd/binary.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "grid/common/error.hpp"
#include "test_env.hpp"

namespace grid::natsd {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A temporary directory with helper scripts, removed at the end of the test.
class BinaryTest : public ::testing::Test {
 protected:
  void TearDown() override { fs::remove_all(dir_); }

  fs::path script(const std::string& name, const std::string& body, fs::perms perms) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(path, perms);
    return path;
  }

  fs::path dir_ = test::make_temp_dir("grid-natsd-binary");
};

constexpr auto kExecutable = fs::perms::owner_all;
constexpr auto kNotExecutable = fs::perms::owner_read | fs::perms::owner_write;

TEST_F(BinaryTest, ExplicitPathMustBeExecutable) {
  const fs::path path = script("nats-server", "exit 0", kNotExecutable);
  EXPECT_EQ(error_of([&] { find_binary(path.string(), "", "/nonexistent"); }),
            "nats-server binary " + path.string() + " is not executable");
  EXPECT_EQ(error_of([&] { find_binary("/nonexistent/nats-server", "", "/nonexistent"); }),
            "nats-server binary /nonexistent/nats-server is not executable");
}

TEST_F(BinaryTest, ExplicitExecutablePathWins) {
  const fs::path path = script("my-nats", "exit 0", kExecutable);
  EXPECT_EQ(find_binary(path.string(), "/usr/sbin", "/usr/sbin/nats-server"), path);
}

TEST_F(BinaryTest, SearchesPathBeforeFallback) {
  const fs::path path = script("nats-server", "exit 0", kExecutable);
  const std::string path_env = "/nonexistent::" + dir_.string() + ":/usr/sbin";
  EXPECT_EQ(find_binary("", path_env, "/usr/sbin/nats-server"), path);
}

TEST_F(BinaryTest, SkipsNonExecutableCandidatesOnPath) {
  script("nats-server", "exit 0", kNotExecutable);
  EXPECT_EQ(find_binary("", dir_.string(), "/usr/sbin/nats-server"), "/usr/sbin/nats-server");
}

TEST_F(BinaryTest, MissingEverywhereIsFatal) {
  EXPECT_EQ(error_of([&] { find_binary("", dir_.string(), dir_ / "nope"); }),
            "nats-server not found: install the nats-server package or set nats.server.binary");
}

TEST(ParseVersion, ReadsNatsServerOutput) {
  EXPECT_EQ(parse_version("nats-server: v2.9.10\n"), (Version{2, 9, 10}));
  EXPECT_EQ(parse_version("nats-server: v2.10.3-beta.1\n"), (Version{2, 10, 3}));
  EXPECT_EQ(parse_version("garbage"), std::nullopt);
  EXPECT_EQ(parse_version(""), std::nullopt);
}

TEST(RequireSupported, RefusesBelow290) {
  EXPECT_NO_THROW(require_supported({2, 9, 0}, "/x"));
  EXPECT_NO_THROW(require_supported({2, 10, 1}, "/x"));
  EXPECT_NO_THROW(require_supported({3, 0, 0}, "/x"));
  EXPECT_EQ(error_of([] {
              require_supported({2, 8, 4}, "/x");
            }),
            "nats-server /x is version 2.8.4; GRID needs nats-server 2.9.0 or newer");
  EXPECT_THROW(require_supported({1, 99, 99}, "/x"), Error);
}

TEST(CheckVersion, InstalledServerIsSupported) {
  EXPECT_GE(check_version(find_binary("")), kMinimumVersion);
}

TEST_F(BinaryTest, CheckVersionRefusesOldServer) {
  const fs::path path = script("nats-server", "echo 'nats-server: v2.8.4'", kExecutable);
  EXPECT_EQ(
      error_of([&] { check_version(path); }),
      "nats-server " + path.string() + " is version 2.8.4; GRID needs nats-server 2.9.0 or newer");
}

TEST_F(BinaryTest, CheckVersionRejectsUnparsableOutput) {
  const fs::path path = script("nats-server", "echo hello", kExecutable);
  EXPECT_NE(error_of([&] { check_version(path); }).find("cannot parse the version"),
            std::string::npos);
}

TEST_F(BinaryTest, CheckVersionReportsFailingBinary) {
  const fs::path path = script("nats-server", "echo broken; exit 3", kExecutable);
  EXPECT_NE(error_of([&] { check_version(path); }).find("--version failed"), std::string::npos);
}

}  // namespace
}  // namespace grid::natsd
