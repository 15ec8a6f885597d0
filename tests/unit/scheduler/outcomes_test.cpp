// Every row of the worked outcomes table (SPEC §6.14), with three stand-in workers.
#include "scheduler_fixture.hpp"

namespace grid::scheduler::test {
namespace {

using model::JobStatus;
using model::NodeResultStatus;

std::map<std::string, NodeResultStatus> statuses(const model::Job& job, int step) {
  std::map<std::string, NodeResultStatus> out;
  const auto it = job.results.find(step);
  if (it == job.results.end()) return out;
  for (const auto& [node, result] : it->second) out[node] = result.status;
  return out;
}

std::map<std::string, NodeResultStatus> all3(NodeResultStatus s) {
  return {{"n1", s}, {"n2", s}, {"n3", s}};
}

constexpr auto kOk = NodeResultStatus::kSuccess;
constexpr auto kFail = NodeResultStatus::kFailed;
constexpr auto kSkip = NodeResultStatus::kSkipped;

// The `test` backend as the scripts below understand it: succeed → ok, fail → failed.
Reply test_backend(const Received& r) {
  if (r.command.action == "fail") return Reply::fail();
  if (r.command.action == "echo")
    return Reply{
        "success", r.command.params.count("message") ? r.command.params.at("message") : "", "", {}};
  if (r.command.action == "sleep") return Reply{"success", "", "", 300ms};
  return Reply{};
}

TEST_F(SchedulerTest, SucceedBroadcastsOnceAndCompletes) {
  add_three(test_backend);
  start_scheduler();
  const auto job = wait_terminal(submit(request({leaf("test", "succeed")})));
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  EXPECT_EQ(statuses(job, 0), all3(kOk));
  for (const auto& [node, result] : job.results.at(0)) EXPECT_EQ(result.output, "ok");
  EXPECT_EQ(job.owner, "ctrl-test");
  EXPECT_EQ(job.expected.size(), 3u);
  // One broadcast: each worker received exactly one command, on cmd.all.
  const auto commands = log.commands();
  ASSERT_EQ(commands.size(), 3u);
  for (const auto& c : commands) {
    EXPECT_EQ(c.subject, "cmd.all.test.succeed");
    EXPECT_EQ(c.command.timeout, std::optional<Duration>(std::chrono::minutes(5)));
  }
}

TEST_F(SchedulerTest, FailFailFastRecordsAllFailures) {
  add_three(test_backend);
  start_scheduler();
  const auto job = wait_terminal(submit(request({leaf("test", "fail")})));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_EQ(statuses(job, 0), all3(kFail));
  for (const auto& [node, result] : job.results.at(0))
    EXPECT_EQ(result.error, "intentional failure");
}

Reply fail_on_n3(const Received& r) {
  if (r.node == "n3" && r.command.task_index == 0) return Reply::fail();
  return Reply{};
}

TEST_F(SchedulerTest, FailFastSkipsLaterSteps) {
  add_three(fail_on_n3);
  start_scheduler();
  const auto job =
      wait_terminal(submit(request({leaf("test", "succeed"), leaf("test", "succeed")})));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_EQ(statuses(job, 0),
            (std::map<std::string, NodeResultStatus>{{"n1", kOk}, {"n2", kOk}, {"n3", kFail}}));
  EXPECT_EQ(statuses(job, 1), all3(kSkip));
}

TEST_F(SchedulerTest, ContinueExcludesTheFailedNode) {
  add_three(fail_on_n3);
  start_scheduler();
  const auto job = wait_terminal(
      submit(request({leaf("test", "succeed"), leaf("test", "succeed")}, "continue")));
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  EXPECT_EQ(statuses(job, 0).size(), 3u);
  EXPECT_EQ(statuses(job, 1), (std::map<std::string, NodeResultStatus>{{"n1", kOk}, {"n2", kOk}}));
  // Step 1 went node-scoped to n1 and n2 only (BUG-17).
  for (const auto& c : log.commands()) {
    if (c.command.task_index == 1) {
      EXPECT_TRUE(c.subject.starts_with("cmd.node.")) << c.subject;
      EXPECT_NE(c.node, "n3");
    }
  }
}

TEST_F(SchedulerTest, ConditionalCleanup) {
  add_three(test_backend);
  start_scheduler();
  const auto job = wait_terminal(
      submit(request({leaf("ping", "echo", {{"message", "hi"}}), leaf("test", "fail"),
                      with(leaf("ping", "echo", {{"message", "cleanup"}}), "on_failure"),
                      with(leaf("ping", "echo", {{"message", "never"}}), "on_success")})));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_EQ(statuses(job, 0), all3(kOk));
  EXPECT_EQ(statuses(job, 1), all3(kFail));
  EXPECT_EQ(statuses(job, 2), all3(kOk));
  EXPECT_EQ(statuses(job, 3), all3(kSkip));
  EXPECT_EQ(job.results.at(2).at("n1").output, "cleanup");
  EXPECT_EQ(job.results.at(3).at("n1").duration, Duration{0});
}

TEST_F(SchedulerTest, ConditionalSuccessOnly) {
  add_three(test_backend);
  start_scheduler();
  const auto job =
      wait_terminal(submit(request({leaf("ping", "echo"), with(leaf("ping", "echo"), "on_success"),
                                    with(leaf("ping", "echo"), "on_failure")})));
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  EXPECT_EQ(statuses(job, 0), all3(kOk));
  EXPECT_EQ(statuses(job, 1), all3(kOk));
  EXPECT_EQ(statuses(job, 2), all3(kSkip));
}

TEST_F(SchedulerTest, PipelineBasic) {
  add_three(test_backend);
  start_scheduler();
  const auto job = wait_terminal(
      submit(request({branch({leaf("ping", "echo"), leaf("test", "sleep", {{"duration", "300ms"}}),
                              leaf("ping", "echo")}),
                      leaf("test", "succeed")})));
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  for (int step = 0; step < 4; ++step) EXPECT_EQ(statuses(job, step), all3(kOk)) << step;
  for (const auto& c : log.commands()) {
    if (c.command.task_index < 3) {
      EXPECT_EQ(c.subject, "cmd.node." + c.node + "." + c.command.backend + "." + c.command.action);
    }
  }
}

TEST_F(SchedulerTest, PipelineWithConditions) {
  add_three(test_backend);
  start_scheduler();
  const auto job = wait_terminal(
      submit(request({branch({leaf("test", "fail")}),
                      branch({leaf("ping", "echo"), leaf("test", "succeed")}, "on_failure")})));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  int failed = 0, skipped = 0;
  for (const auto& [node, s] : statuses(job, 0)) {
    failed += s == kFail;
    skipped += s == kSkip;
  }
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(skipped, 2);
  EXPECT_EQ(statuses(job, 1), all3(kOk));
  EXPECT_EQ(statuses(job, 2), all3(kOk));
}

TEST_F(SchedulerTest, PipelineContinueStopsTheFailingNode) {
  add_three([](const Received& r) { return r.node == "n2" ? Reply::fail() : Reply{}; });
  start_scheduler();
  const auto job = wait_terminal(
      submit(request({branch({leaf("test", "succeed"), leaf("test", "succeed")})}, "continue")));
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  EXPECT_EQ(statuses(job, 0),
            (std::map<std::string, NodeResultStatus>{{"n1", kOk}, {"n2", kFail}, {"n3", kOk}}));
  EXPECT_EQ(statuses(job, 1),
            (std::map<std::string, NodeResultStatus>{{"n1", kOk}, {"n2", kSkip}, {"n3", kOk}}));
}

TEST_F(SchedulerTest, RetriesUntilSuccessWithBackoff) {
  add_worker("n1", [](const Received& r) { return r.attempt <= 2 ? Reply::fail() : Reply{}; });
  start_scheduler();
  const auto started = std::chrono::steady_clock::now();
  const auto job = wait_terminal(submit(request({with(leaf("test", "succeed"), "", "", 3)})));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  EXPECT_EQ(job.results.at(0).at("n1").status, kOk);
  EXPECT_EQ(job.results.at(0).at("n1").attempts, 3);
  EXPECT_GE(elapsed, 3s);  // 1 s + 2 s of backoff
  const auto commands = log.commands();
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0].subject, "cmd.all.test.succeed");
  EXPECT_EQ(commands[1].subject, "cmd.node.n1.test.succeed");
  EXPECT_GE(commands[1].at - commands[0].at, 1s);
  EXPECT_GE(commands[2].at - commands[1].at, 2s);
}

TEST_F(SchedulerTest, CancelAfterStartEndsCancelledWithoutEntries) {
  add_three([](const Received&) { return Reply::silent(); });
  start_scheduler();
  const auto id = submit(request({leaf("test", "sleep", {{"duration", "30s"}})}));
  ASSERT_TRUE(grid::test::wait_for([&] { return log.commands().size() == 3; }));
  EXPECT_EQ(scheduler->cancel(id).http_status(), 200);
  const auto job = wait_terminal(id);
  EXPECT_EQ(job.status, JobStatus::kCancelled);
  EXPECT_TRUE(job.results.empty());
  const auto again = scheduler->cancel(id);
  EXPECT_EQ(again.http_status(), 409);
  EXPECT_EQ(again.error, "job is not running or pending");
}

TEST_F(SchedulerTest, SilentNodeTimesOutAsFailedEntry) {
  add_worker("n1", [](const Received&) { return Reply::silent(); });
  start_scheduler();
  const auto job = wait_terminal(submit(request({with(leaf("test", "succeed"), "", "2s")})));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  const auto& entry = job.results.at(0).at("n1");
  EXPECT_EQ(entry.status, kFail);
  EXPECT_EQ(entry.error, "timeout: no result within 2s");
  EXPECT_EQ(entry.duration, 2s);
  EXPECT_EQ(log.commands().at(0).command.timeout, std::optional<Duration>(2s));
}

TEST_F(SchedulerTest, QueueFullAnswers429) {
  add_worker("n1");
  make_scheduler({"ctrl-test", 5, 2, 1s});  // not started: requests stay queued
  submit(request({leaf("test", "succeed")}));
  submit(request({leaf("test", "succeed")}));
  const auto result = scheduler->submit(request({leaf("test", "succeed")}));
  EXPECT_EQ(result.http_status, 429);
  EXPECT_EQ(result.error, "queue full");
  EXPECT_EQ(jobs->list().size(), 2u);  // nothing stored
}

}  // namespace
}  // namespace grid::scheduler::test
