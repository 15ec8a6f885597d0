#include "grid/cli/command_line.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <sstream>

#include "grid/common/error.hpp"

namespace grid::cli {
namespace {

Invocation parse(const std::vector<std::string>& args) {
  std::ostringstream out;
  auto invocation = parse_command_line(args, out);
  EXPECT_TRUE(invocation.has_value()) << out.str();
  return invocation.value_or(Invocation{});
}

std::string usage_error(const std::vector<std::string>& args) {
  std::ostringstream out;
  try {
    parse_command_line(args, out);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(CommandLine, JobRunWithEveryFlag) {
  auto invocation = parse({"-a", "http://h:1", "job", "run", "apt", "install", "package=curl", "-t",
                           "group:web", "-s", "continue", "--timeout", "5m", "-w"});
  EXPECT_EQ(invocation.api, "http://h:1");
  EXPECT_EQ(invocation.command, Command::kJobRun);
  EXPECT_EQ(invocation.run.positionals,
            (std::vector<std::string>{"apt", "install", "package=curl"}));
  EXPECT_EQ(invocation.run.target, "group:web");
  EXPECT_EQ(invocation.run.strategy, "continue");
  EXPECT_EQ(invocation.run.timeout, "5m");
  EXPECT_TRUE(invocation.wait);
}

TEST(CommandLine, TargetIsUnsetUnlessGiven) {
  auto invocation = parse({"job", "run", "-f", "job.yaml", "--wait"});
  EXPECT_EQ(invocation.run.file, "job.yaml");
  EXPECT_EQ(invocation.run.target, std::nullopt);
  EXPECT_EQ(invocation.api, kDefaultApi);
}

TEST(CommandLine, EveryCommand) {
  EXPECT_EQ(parse({"job", "get", "j1"}).command, Command::kJobGet);
  EXPECT_EQ(parse({"job", "get", "j1"}).id, "j1");
  EXPECT_EQ(parse({"job", "list"}).command, Command::kJobList);
  EXPECT_EQ(parse({"job", "cancel", "j1"}).command, Command::kJobCancel);
  EXPECT_EQ(parse({"node", "list"}).command, Command::kNodeList);
  EXPECT_EQ(parse({"node", "info", "n1"}).command, Command::kNodeInfo);
  EXPECT_EQ(parse({"status"}).command, Command::kStatus);
}

TEST(CommandLine, OutputFormatAndGlobalFlagsAfterTheCommand) {
  auto invocation = parse({"job", "list", "-o", "yaml", "--api", "http://x:2", "-d"});
  EXPECT_EQ(invocation.output, OutputFormat::kYaml);
  EXPECT_EQ(invocation.api, "http://x:2");
  EXPECT_TRUE(invocation.debug);
  EXPECT_EQ(parse({"node", "info", "n1", "--output", "table"}).output, OutputFormat::kTable);
  EXPECT_EQ(parse({"job", "get", "j1"}).output, std::nullopt);
}

TEST(CommandLine, HelpIsWrittenAndNotAnError) {
  for (auto args : {std::vector<std::string>{"--help"}, std::vector<std::string>{"job", "-h"},
                    std::vector<std::string>{"job", "run", "--help"}}) {
    std::ostringstream out;
    EXPECT_EQ(parse_command_line(args, out), std::nullopt);
    EXPECT_NE(out.str().find("Usage: gridc"), std::string::npos) << out.str();
  }
}

TEST(CommandLine, UsageErrors) {
  EXPECT_EQ(usage_error({}), "A subcommand is required");
  EXPECT_EQ(usage_error({"job"}), "A subcommand is required");
  EXPECT_NE(usage_error({"--bogus", "status"}), "no error");
  EXPECT_NE(usage_error({"frobnicate"}), "no error");
  EXPECT_NE(usage_error({"job", "get"}), "no error");
  EXPECT_NE(usage_error({"job", "list", "-o", "xml"}), "no error");
  EXPECT_NE(usage_error({"status", "extra"}), "no error");
  EXPECT_NE(usage_error({"job", "cancel", "-o", "json", "j1"}), "no error");
}

// gridc --token/GRID_TOKEN and --ca/GRID_CA (docs/SECURITY.md).
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
