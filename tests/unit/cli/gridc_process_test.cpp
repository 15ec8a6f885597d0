// The real gridc binary: exit statuses and messages as a shell sees them.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace grid::cli {
namespace {

using namespace std::chrono_literals;

struct Outcome {
  std::optional<int> exit_code;
  std::string output;  // stdout and stderr together
};

Outcome run_gridc(const std::vector<std::string>& args) {
  test::TempDir dir;
  std::vector<std::string> argv{grid::test::binary("gridc").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  grid::test::ChildProcess gridc(argv, dir.path() / "out.txt");
  auto code = gridc.wait_exit(30s);
  return {code, gridc.output()};
}

TEST(GridcProcess, NoCommandIsAUsageError) {
  auto outcome = run_gridc({});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.output, "gridc: error: A subcommand is required\n");
}

TEST(GridcProcess, UnknownFlagIsAUsageError) {
  auto outcome = run_gridc({"job", "list", "--colour"});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_TRUE(outcome.output.starts_with("gridc: error: ")) << outcome.output;
  EXPECT_NE(outcome.output.find("--colour"), std::string::npos);
}

TEST(GridcProcess, HelpExitsZero) {
  auto outcome = run_gridc({"--help"});
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_NE(outcome.output.find("Usage: gridc"), std::string::npos);
}

TEST(GridcProcess, UnreachableControllerFromEnvironment) {
  ASSERT_EQ(setenv("GRID_API", "http://127.0.0.1:1", 1), 0);
  auto outcome = run_gridc({"job", "list"});
  unsetenv("GRID_API");
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_TRUE(outcome.output.starts_with(
      "gridc: error: GET /jobs: cannot reach the controller at http://127.0.0.1:1 ("))
      << outcome.output;
  EXPECT_NE(outcome.output.find("set --api or GRID_API"), std::string::npos);
}

TEST(GridcProcess, ApiFlagBeatsTheEnvironment) {
  ASSERT_EQ(setenv("GRID_API", "http://127.0.0.1:1", 1), 0);
  auto outcome = run_gridc({"--api", "http://127.0.0.1:2", "status"});
  unsetenv("GRID_API");
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_NE(outcome.output.find("at http://127.0.0.1:2 ("), std::string::npos) << outcome.output;
}

TEST(GridcProcess, MissingJobFile) {
  auto outcome = run_gridc({"-a", "http://127.0.0.1:1", "job", "run", "-f", "/nonexistent.yaml"});
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.output,
            "gridc: error: reading job file: open /nonexistent.yaml: No such file or directory\n");
}

}  // namespace
}  // namespace grid::cli
