#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "grid/config/load.hpp"

namespace grid::config {
namespace {

namespace fs = std::filesystem;

// A fresh temporary directory per test, removed afterwards.
class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "grid-config-test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& contents) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  static std::string error_of(const fs::path& path, bool explicit_path) {
    try {
      load_config_file(path, explicit_path);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  }

  fs::path dir_;
};

TEST_F(ConfigFile, LoadsValues) {
  const fs::path path = write("grid.yaml", "api:\n  port: 9999\n");
  const LoadResult r = load_config_file(path, true);
  EXPECT_EQ(r.config.api.port, 9999);
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(ConfigFile, MissingExplicitFileIsAnError) {
  const fs::path path = dir_ / "absent.yaml";
  EXPECT_EQ(error_of(path, true), path.string() + ": configuration file not found");
}

TEST_F(ConfigFile, MissingImplicitFileWarnsAndGivesTheDefaults) {
  const fs::path path = dir_ / "config.yaml";
  const LoadResult r = load_config_file(path, false);
  EXPECT_EQ(r.config, Config{});
  EXPECT_EQ(r.warnings, std::vector<std::string>{
                            path.string() + ": configuration file not found; using the defaults"});
}

TEST_F(ConfigFile, EmptyFileGivesTheDefaults) {
  const LoadResult r = load_config_file(write("empty.yaml", ""), true);
  EXPECT_EQ(r.config, Config{});
  EXPECT_TRUE(r.warnings.empty());
}

TEST_F(ConfigFile, MessagesNameTheFileAndLine) {
  const fs::path path = write("grid.yaml",
                              "api:\n  enabled: true\n\nnats:\n  server:\n"
                              "    host: x\n    port: abc\n");
  EXPECT_EQ(error_of(path, true),
            path.string() + R"(:7: nats.server.port: expected an integer, got "abc")");
}

TEST_F(ConfigFile, WarningsNameTheFile) {
  const fs::path path = write("grid.yaml", "nats:\n  servr: {}\n");
  EXPECT_EQ(load_config_file(path, false).warnings,
            std::vector<std::string>{path.string() + ":2: unknown key nats.servr"});
}

TEST_F(ConfigFile, DirectoryIsAnErrorEvenWhenImplicit) {
  EXPECT_EQ(error_of(dir_, false),
            dir_.string() + ": the configuration file is not a regular file");
}

TEST_F(ConfigFile, FileOverOneMebibyteIsRejected) {
  const fs::path path = write("big.yaml", "# " + std::string(1024 * 1024, 'x') + "\n");
  EXPECT_EQ(error_of(path, true), path.string() + ": the configuration file is larger than 1 MiB");
}

TEST_F(ConfigFile, FileOfExactlyOneMebibyteIsRead) {
  std::string text = "api: {port: 1}\n#";
  text.resize(1024 * 1024, 'x');
  EXPECT_EQ(load_config_file(write("edge.yaml", text), true).config.api.port, 1);
}

TEST_F(ConfigFile, MalformedFileReportsLineAndColumn) {
  const fs::path path = write("bad.yaml", "api:\n  host: [a, b\n");
  EXPECT_EQ(error_of(path, true),
            path.string() + ":3:1: malformed YAML: end of sequence flow not found");
}

}  // namespace
}  // namespace grid::config
