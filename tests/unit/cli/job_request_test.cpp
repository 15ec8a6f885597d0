#include "grid/cli/job_request.hpp"

#include <gtest/gtest.h>

#include "grid/common/error.hpp"
#include "temp_dir.hpp"

namespace grid::cli {
namespace {

std::string body(const RunArgs& args) {
  return model::dump_json(encode_job_request(build_job_request(args)));
}

std::string error_of(const RunArgs& args) {
  try {
    build_job_request(args);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

constexpr const char* kJobFile = R"(target:
  scope: group
  value: web
strategy: continue
timeout: 30m
tasks:
  - backend: apt
    action: install
    params: {package: nginx, rate: 50, force: true}
  - tasks:
      - backend: systemd
        action: enable
)";

TEST(BuildJobRequest, InlineFormBuildsOneLeafForAllNodes) {
  RunArgs args;
  args.positionals = {"apt", "install", "package=curl", "opts=a=b"};
  EXPECT_EQ(body(args),
            R"({"target":{"scope":"all","value":""},"tasks":[{"backend":"apt","action":"install",)"
            R"("params":{"opts":"a=b","package":"curl"}}],"strategy":"fail-fast"})");
}

TEST(BuildJobRequest, InlineFormNeedsBackendAndAction) {
  for (auto positionals : {std::vector<std::string>{}, std::vector<std::string>{"apt"}}) {
    RunArgs args;
    args.positionals = positionals;
    EXPECT_EQ(error_of(args), "provide backend and action, or use -f for a job file");
  }
}

TEST(BuildJobRequest, InlineFormRejectsBadParamsAndTargets) {
  RunArgs args;
  args.positionals = {"apt", "install", "curl"};
  EXPECT_EQ(error_of(args), "invalid parameter \"curl\": expected key=value");
  args.positionals = {"apt", "install"};
  args.target = "group:";
  EXPECT_EQ(error_of(args), "invalid target \"group:\": use all, group:<name> or node:<id>");
}

TEST(BuildJobRequest, TargetStrategyAndTimeoutFlags) {
  RunArgs args;
  args.positionals = {"ping", "echo"};
  args.target = "node:n1";
  args.strategy = "continue";
  args.timeout = "90s";
  EXPECT_EQ(
      body(args),
      R"({"target":{"scope":"node","value":"n1"},"tasks":[{"backend":"ping","action":"echo"}],)"
      R"("strategy":"continue","timeout":"90s"})");
  args.target = "group:web";
  EXPECT_EQ(build_job_request(args).target, (model::Target{"group", "web"}));
}

TEST(BuildJobRequest, FileFormUsesTheFile) {
  test::TempDir dir;
  RunArgs args;
  args.file = dir.write("job.yaml", kJobFile).string();
  auto request = build_job_request(args);
  EXPECT_EQ(request.target, (model::Target{"group", "web"}));
  EXPECT_EQ(request.strategy, "continue");
  EXPECT_EQ(request.timeout, "30m");
  ASSERT_EQ(request.tasks.size(), 2u);
  EXPECT_EQ(request.tasks[0].params.at("rate"), "50");
  EXPECT_EQ(request.tasks[0].params.at("force"), "true");
  EXPECT_EQ(request.tasks[1].tasks.at(0).backend, "systemd");
}

TEST(BuildJobRequest, FlagsOverrideTheFile) {  // BUG-45 for -t
  test::TempDir dir;
  RunArgs args;
  args.file = dir.write("job.yaml", kJobFile).string();
  args.target = "all";
  args.strategy = "fail-fast";
  args.timeout = "1h";
  auto request = build_job_request(args);
  EXPECT_EQ(request.target, (model::Target{"all", ""}));
  EXPECT_EQ(request.strategy, "fail-fast");
  EXPECT_EQ(request.timeout, "1h");
}

TEST(BuildJobRequest, FileWithoutTargetOrStrategyKeepsTheApiDefaults) {
  test::TempDir dir;
  RunArgs args;
  args.file = dir.write("job.yaml", "tasks:\n  - {backend: ping, action: echo}\n").string();
  EXPECT_EQ(body(args),
            R"({"target":{"scope":"","value":""},"tasks":[{"backend":"ping","action":"echo"}],)"
            R"("strategy":"fail-fast"})");
}

TEST(BuildJobRequest, FileErrors) {
  test::TempDir dir;
  RunArgs args;
  args.file = (dir.path() / "missing.yaml").string();
  EXPECT_EQ(error_of(args), "reading job file: open " + args.file + ": No such file or directory");
  args.file = dir.write("bad.yaml", "tasks: [\n").string();
  EXPECT_TRUE(error_of(args).starts_with("parsing job file: job file: line ")) << error_of(args);
  args.file = dir.write("job.yaml", kJobFile).string();
  args.positionals = {"apt", "update"};
  EXPECT_EQ(error_of(args), "use either -f or backend and action, not both");
}

}  // namespace
}  // namespace grid::cli
