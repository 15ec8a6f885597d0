#include "grid/backends/command_runner.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "fake_programs.hpp"
#include "grid/backends/output_limit.hpp"
#include "test_env.hpp"

namespace grid::backends {
namespace {

using namespace std::chrono_literals;
using grid::test::wait_for;

RunContext no_deadline() {
  return RunContext({"job", 0, "node"}, std::nullopt);
}

// True while `pid` is a live (not zombie) `sleep` process.
bool sleep_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  if (!(stat >> pid_field >> comm >> state)) return false;
  return comm == "(sleep)" && state != "Z";
}

pid_t read_pid(const std::filesystem::path& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

class CommandRunnerTest : public ::testing::Test {
 protected:
  ActionResult run(std::vector<std::string> argv, std::vector<std::string> env = {}) {
    auto ctx = no_deadline();
    return run_command(Command{std::move(argv), std::move(env)}, ctx);
  }
  std::string file(const std::string& name) const { return (fakes.dir() / name).string(); }
  test::FakePrograms fakes;
};

TEST_F(CommandRunnerTest, SuccessReturnsCombinedOutputInOrder) {
  fakes.add("both", "echo one\necho two >&2\necho three\n");
  const auto r = run({"both"});
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.output, "one\ntwo\nthree\n");
}

TEST_F(CommandRunnerTest, PassesArgumentsVerbatimWithoutAShell) {
  fakes.add_recorder("rec");
  const auto r = run({"rec", "a b", "$HOME", "", "-x", "'q'"});
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.output, "rec output\nrec warning\n");
  EXPECT_EQ(fakes.argv("rec"), (std::vector<std::string>{"a b", "$HOME", "", "-x", "'q'"}));
}

TEST_F(CommandRunnerTest, NonZeroExitIsExitStatus) {
  fakes.add("three", "echo partial\nexit 3\n");
  const auto r = run({"three"});
  EXPECT_EQ(r.error, "exit status 3");
  EXPECT_EQ(r.output, "partial\n");
}

TEST_F(CommandRunnerTest, KilledBySignalUsesGoSignalNames) {
  fakes.add("killself", "kill -KILL $$\n");
  EXPECT_EQ(run({"killself"}).error, "signal: killed");
  fakes.add("termself", "kill -TERM $$\n");
  EXPECT_EQ(run({"termself"}).error, "signal: terminated");
  fakes.add("segv", "kill -SEGV $$\n");
  EXPECT_EQ(run({"segv"}).error, "signal: segmentation fault");
}

TEST_F(CommandRunnerTest, MissingProgramHasGoExecText) {
  const auto r = run({"grid-no-such-program", "x"});
  EXPECT_EQ(r.error, R"(exec: "grid-no-such-program": executable file not found in $PATH)");
  EXPECT_EQ(r.output, "");
}

TEST_F(CommandRunnerTest, NonExecutableFileOnPathIsNotFound) {
  std::ofstream(fakes.dir() / "plain") << "echo hi\n";
  EXPECT_EQ(run({"plain"}).error, R"(exec: "plain": executable file not found in $PATH)");
}

TEST_F(CommandRunnerTest, MissingPathIsForkExecError) {
  EXPECT_EQ(run({"/nonexistent/grid-prog"}).error,
            "fork/exec /nonexistent/grid-prog: no such file or directory");
}

TEST_F(CommandRunnerTest, StdinIsEmpty) {
  fakes.add("reader", "cat\necho done\n");
  EXPECT_EQ(run({"reader"}).output, "done\n");
}

TEST_F(CommandRunnerTest, ExtraEnvironmentIsAddedAndOverrides) {
  ::setenv("GRID_RUNNER_INHERITED", "kept", 1);
  ::setenv("GRID_RUNNER_REPLACED", "old", 1);
  fakes.add("envy", "echo \"$GRID_RUNNER_INHERITED $GRID_RUNNER_REPLACED $GRID_RUNNER_NEW\"\n");
  const auto r = run({"envy"}, {"GRID_RUNNER_REPLACED=new", "GRID_RUNNER_NEW=x=y"});
  EXPECT_EQ(r.output, "kept new x=y\n");
  ::unsetenv("GRID_RUNNER_INHERITED");
  ::unsetenv("GRID_RUNNER_REPLACED");
}

TEST_F(CommandRunnerTest, LargeOutputIsTruncatedWithTheMarker) {
  fakes.add("big", "head -c 1000000 /dev/zero | tr '\\0' a\nexit 1\n");
  const auto r = run({"big"});
  EXPECT_EQ(r.error, "exit status 1");
  ASSERT_EQ(r.output.size(), kMaxOutputBytes + kTruncationMarker.size());
  EXPECT_EQ(r.output.substr(0, kMaxOutputBytes), std::string(kMaxOutputBytes, 'a'));
  EXPECT_TRUE(r.output.ends_with("\n... [output truncated]"));
}

TEST_F(CommandRunnerTest, OutputOfExactlyTheLimitIsKept) {
  fakes.add("exact", "head -c 262144 /dev/zero | tr '\\0' b\n");
  EXPECT_EQ(run({"exact"}).output, std::string(kMaxOutputBytes, 'b'));
}

TEST_F(CommandRunnerTest, DeadlineTerminatesTheProgram) {
  fakes.add("hang", "exec sleep 1000\n");
  RunContext ctx({"job", 0, "node"}, RunContext::Clock::now() + 200ms);
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_command(Command{{"hang"}, {}}, ctx);
  EXPECT_EQ(r.error, "signal: terminated");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

TEST_F(CommandRunnerTest, AlreadyCancelledRunStartsNothing) {
  fakes.add_recorder("rec");
  auto cancelled = no_deadline();
  cancelled.cancel();
  EXPECT_EQ(run_command(Command{{"rec"}, {}}, cancelled).error, "context canceled");
  RunContext expired({"job", 0, "node"}, RunContext::Clock::now() - 1s);
  EXPECT_EQ(run_command(Command{{"rec"}, {}}, expired).error, "context deadline exceeded");
  EXPECT_FALSE(fakes.ran("rec"));
}

TEST_F(CommandRunnerTest, CancellationKillsTheWholeProcessGroup) {
  const std::string pid_file = file("grandchild.pid");
  fakes.add("spawner", "sleep 1000 &\necho $! > '" + pid_file + ".tmp'\nmv '" + pid_file +
                           ".tmp' '" + pid_file + "'\nwait\n");
  auto ctx = no_deadline();
  std::thread canceller([&] {
    wait_for([&] { return std::filesystem::exists(pid_file); }, 60s);
    ctx.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_command(Command{{"spawner"}, {}}, ctx);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  EXPECT_EQ(r.error, "signal: terminated");
  const pid_t grandchild = read_pid(pid_file);
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(wait_for([&] { return !sleep_alive(grandchild); }, 30s));
}

TEST_F(CommandRunnerTest, IgnoredSigtermIsFollowedBySigkill) {
  const std::string ready = file("ready");
  fakes.add("stubborn", "trap '' TERM\ntouch '" + ready + "'\nwhile :; do sleep 1; done\n");
  auto ctx = no_deadline();
  std::thread canceller([&] {
    wait_for([&] { return std::filesystem::exists(ready); }, 60s);
    ctx.cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_command(Command{{"stubborn"}, {}}, ctx);
  canceller.join();
  EXPECT_EQ(r.error, "signal: killed");
  EXPECT_GE(std::chrono::steady_clock::now() - start, kTerminationGrace);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

TEST_F(CommandRunnerTest, LeftoverWriterDoesNotBlockPastTheDrainPeriod) {
  const std::string pid_file = file("leftover.pid");
  fakes.add("daemonish", "sleep 1000 &\necho $! > '" + pid_file + "'\necho bye\n");
  const auto start = std::chrono::steady_clock::now();
  const auto r = run({"daemonish"});
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.output, "bye\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  const pid_t leftover = read_pid(pid_file);
  if (leftover > 0) ::kill(leftover, SIGKILL);
}

TEST(LookPathTest, SearchesDirectoriesInOrder) {
  test::FakePrograms first;
  test::FakePrograms second;
  first.add("tool", "");
  second.add("tool", "");
  const std::string path = second.dir().string() + ":" + first.dir().string();
  EXPECT_EQ(look_path("tool", path), (second.dir() / "tool").string());
  EXPECT_EQ(look_path("tool", "/nonexistent"), std::nullopt);
  EXPECT_EQ(look_path("tool", ""), std::nullopt);
}

TEST(OutputLimitTest, TruncateOutput) {
  EXPECT_EQ(truncate_output("short"), "short");
  EXPECT_EQ(truncate_output(std::string(kMaxOutputBytes, 'z')), std::string(kMaxOutputBytes, 'z'));
  EXPECT_EQ(truncate_output(std::string(kMaxOutputBytes + 1, 'z')),
            std::string(kMaxOutputBytes, 'z') + "\n... [output truncated]");
}

TEST(OutputLimitTest, CappedOutputKeepsThePrefix) {
  CappedOutput out;
  out.append(std::string(kMaxOutputBytes - 1, 'a'));
  out.append("bc");
  out.append("more");
  EXPECT_EQ(out.take(), std::string(kMaxOutputBytes - 1, 'a') + "b\n... [output truncated]");
  EXPECT_EQ(out.take(), "");
}

}  // namespace
}  // namespace grid::backends
