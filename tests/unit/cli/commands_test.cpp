// Commands without a controller: argument errors come before any request, transport errors
// name the URL, and the exit-code mapping of §11.5.
#include "grid/cli/commands.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "grid/cli/wait.hpp"

namespace grid::cli {
namespace {

// Nothing listens on port 1 of the loopback interface.
constexpr const char* kDeadApi = "http://127.0.0.1:1";

struct Run {
  int exit_code;
  std::string out;
  std::string err;
};

Run gridc(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  Console console{out, err, false};
  int code = run_gridc(args, console);
  return {code, out.str(), err.str()};
}

TEST(Commands, UsageErrorsUseTheGridcForm) {
  auto run = gridc({"--nope", "status"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(run.err.starts_with("gridc: error: ")) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(gridc({}).err, "gridc: error: A subcommand is required\n");
}

TEST(Commands, HelpExitsZero) {
  auto run = gridc({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("job"), std::string::npos);
  EXPECT_EQ(run.err, "");
}

TEST(Commands, UnreachableControllerNamesTheUrl) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"job", "list"}, "GET /jobs"},
      {{"job", "get", "j1"}, "GET /job/j1"},
      {{"node", "list"}, "GET /nodes"},
      {{"node", "info", "n1"}, "GET /node/n1"},
      {{"status"}, "GET /status"},
      {{"job", "run", "ping", "echo"}, "POST /job"},
      {{"job", "cancel", "j1"}, "POST /job/j1/cancel"},
  };
  for (const auto& [args, request] : cases) {
    auto all = args;
    all.insert(all.begin(), {"--api", kDeadApi});
    auto run = gridc(all);
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.err, "gridc: error: " + request + ": cannot reach the controller at " + kDeadApi +
                           " (connection failed: refused, unreachable or unknown host); set "
                           "--api or GRID_API\n");
  }
}

TEST(Commands, BaseUrlPrefixIsKeptVerbatim) {
  auto run = gridc({"--api", std::string(kDeadApi) + "/grid/", "job", "list"});
  EXPECT_NE(run.err.find("at http://127.0.0.1:1/grid/ ("), std::string::npos) << run.err;
}

TEST(Commands, ArgumentErrorsComeBeforeAnyRequest) {
  EXPECT_EQ(gridc({"-a", kDeadApi, "job", "run", "-t", "grp:web", "ping", "echo"}).err,
            "gridc: error: invalid target \"grp:web\": use all, group:<name> or node:<id>\n");
  EXPECT_EQ(gridc({"-a", kDeadApi, "job", "run", "ping", "echo", "message"}).err,
            "gridc: error: invalid parameter \"message\": expected key=value\n");
  EXPECT_EQ(gridc({"-a", kDeadApi, "job", "run"}).err,
            "gridc: error: provide backend and action, or use -f for a job file\n");
  EXPECT_EQ(gridc({"-a", "localhost:8765", "status"}).err,
            "gridc: error: invalid controller URL \"localhost:8765\": expected "
            "http://host[:port][/prefix]\n");
}

TEST(Commands, WaitExitCodes) {
  EXPECT_EQ(exit_code_for(model::JobStatus::kCompleted), 0);
  EXPECT_EQ(exit_code_for(model::JobStatus::kFailed), 1);
  EXPECT_EQ(exit_code_for(model::JobStatus::kCancelled), 1);
}

}  // namespace
}  // namespace grid::cli
