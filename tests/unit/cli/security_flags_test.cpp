// gridc --token/GRID_TOKEN and --ca/GRID_CA (docs/SECURITY.md).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <sstream>

#include "grid/cli/command_line.hpp"

namespace grid::cli {
namespace {

Invocation parse(const std::vector<std::string>& args) {
  std::ostringstream out;
  auto invocation = parse_command_line(args, out);
  EXPECT_TRUE(invocation.has_value()) << out.str();
  return invocation.value_or(Invocation{});
}

class SecurityFlags : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("GRID_TOKEN");
    ::unsetenv("GRID_CA");
  }
  void TearDown() override { SetUp(); }
};

TEST_F(SecurityFlags, EmptyByDefault) {
  auto invocation = parse({"status"});
  EXPECT_EQ(invocation.token, "");
  EXPECT_EQ(invocation.ca, "");
}

TEST_F(SecurityFlags, FlagsBeforeOrAfterTheCommand) {
  auto before = parse({"--token", "t1", "--ca", "/ca.pem", "job", "list"});
  EXPECT_EQ(before.token, "t1");
  EXPECT_EQ(before.ca, "/ca.pem");
  auto after = parse({"job", "list", "--token", "t2", "--ca", "/x.pem"});
  EXPECT_EQ(after.token, "t2");
  EXPECT_EQ(after.ca, "/x.pem");
}

TEST_F(SecurityFlags, EnvironmentAndFlagPrecedence) {
  ::setenv("GRID_TOKEN", "from-env", 1);
  ::setenv("GRID_CA", "/env-ca.pem", 1);
  auto env = parse({"status"});
  EXPECT_EQ(env.token, "from-env");
  EXPECT_EQ(env.ca, "/env-ca.pem");
  auto flag = parse({"--token", "from-flag", "status"});
  EXPECT_EQ(flag.token, "from-flag");
}

}  // namespace
}  // namespace grid::cli
