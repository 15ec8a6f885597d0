// Scheduler behaviour beyond the outcomes table: admission codes, barrier ordering, result
// acceptance (stale, duplicate, late), timeouts, cancellation, concurrency, recovery, and the
// completion of 200 jobs in a row.
#include <algorithm>
#include <cstdio>

#include "grid/model/json.hpp"
#include "scheduler_fixture.hpp"

namespace grid::scheduler::test {
namespace {

using model::JobStatus;

TEST_F(SchedulerTest, NoOnlineNodeAnswers422) {
  add_worker("n1", succeed, {"web"});
  start_scheduler();
  const auto result = scheduler->submit(request({leaf("test", "succeed")}, "", {"group", "db"}));
  EXPECT_EQ(result.http_status, 422);
  EXPECT_EQ(result.error, "resolving targets: no online nodes match target group:db");
  const auto ok = scheduler->submit(request({leaf("test", "succeed")}, "", {"group", "web"}));
  EXPECT_EQ(ok.http_status, 202);
  EXPECT_EQ(ok.job->expected, std::vector<std::string>{"n1"});
}

TEST_F(SchedulerTest, InvalidRequestAnswers400) {
  start_scheduler();
  const auto result = scheduler->submit(request({}, "sometimes"));
  EXPECT_EQ(result.http_status, 400);
  EXPECT_EQ(result.error, "at least one task is required");
}

TEST_F(SchedulerTest, BarrierWaitsForEveryResultBeforeTheNextStep) {
  add_worker("n1", [](const Received&) { return Reply{"success", "ok", "", 400ms}; });
  add_worker("n2");
  start_scheduler();
  const auto job =
      wait_terminal(submit(request({leaf("test", "succeed"), leaf("test", "succeed")})));
  ASSERT_EQ(job.status, JobStatus::kCompleted);
  Timestamp last_step0_result{};
  for (const auto& r : log.results()) {
    if (r.task_index == 0) last_step0_result = std::max(last_step0_result, r.timestamp);
  }
  for (const auto& c : log.commands()) {
    if (c.command.task_index == 1) {
      EXPECT_GE(c.at, last_step0_result);
    }
  }
}

TEST_F(SchedulerTest, StaleResultOfAnEarlierAttemptIsIgnored) {
  // Attempt 1: silent. Attempt 2: first a late "success" stamped before the retry's
  // dispatch, then the real "failed".
  Timestamp first_seen{};
  StandInWorker* worker = nullptr;
  worker = &add_worker("n1", [&](const Received& r) {
    if (r.attempt == 1) {
      first_seen = r.at;
      return Reply::silent();
    }
    worker->publish(r.command.job_id, r.command.task_index, "success", "stale", "", first_seen);
    return Reply{"failed", "", "real failure", 50ms};
  });
  start_scheduler();
  const auto job = wait_terminal(submit(request({with(leaf("test", "succeed"), "", "300ms", 1)})));
  EXPECT_EQ(job.status, JobStatus::kFailed);
  EXPECT_EQ(job.results.at(0).at("n1").error, "real failure");
  EXPECT_EQ(job.results.at(0).at("n1").attempts, 2);
}

// Commands go out without waiting for the stream; a command no stream stores still ends the
// job `failed` at once (§6.5/§6.9: a publish failure aborts the job), not at the step timeout
// (1 h here). The node is registered without any process and stream `commands` is gone, so
// the server answers "no responders".
TEST_F(SchedulerTest, ACommandNoStreamStoresFailsTheJobAtOnce) {
  model::NodeInfo ghost{"ghost", "host-ghost", {}, std::vector<std::string>{"test"}, "online", now()};
  nodes->put("ghost", model::to_json_text(ghost));
  start_scheduler();
  jsErrCode code{};
  ASSERT_EQ(js_DeleteStream(js.context().get(), "commands", nullptr, &code), NATS_OK);
  const model::Target target{"node", "ghost"};
  const auto barrier =
      wait_terminal(submit(request({with(leaf("test", "succeed"), "", "1h")}, "", target)));
  EXPECT_EQ(barrier.status, JobStatus::kFailed);
  EXPECT_TRUE(barrier.results.empty());
  const auto pipeline = wait_terminal(submit(request(
      {branch({with(leaf("test", "succeed"), "", "1h"), with(leaf("test", "succeed"), "", "1h")})},
      "", target)));
  EXPECT_EQ(pipeline.status, JobStatus::kFailed);
  EXPECT_TRUE(pipeline.results.empty());
}

TEST_F(SchedulerTest, DuplicateAndLateResultsAreIgnored) {
  StandInWorker* worker = nullptr;
  worker = &add_worker("n1", [&](const Received& r) {
    worker->publish(r.command.job_id, r.command.task_index, "success", "first", "", now());
    worker->publish(r.command.job_id, r.command.task_index, "failed", "second", "dup", now());
    return Reply::silent();
  });
  start_scheduler();
  const auto id = submit(request({leaf("test", "succeed")}));
  const auto job = wait_terminal(id);
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  EXPECT_EQ(job.results.at(0).at("n1").output, "first");
  const auto revision = jobs->get(id)->revision;
  worker->publish(id, 0, "failed", "late", "late", now());
  worker->publish(id, 5, "failed", "late", "late", now());
  // The terminal job never changes: give the scheduler a moment to (not) react.
  EXPECT_FALSE(grid::test::wait_for([&] { return jobs->get(id)->revision != revision; }, 500ms));
}

TEST_F(SchedulerTest, JobTimeoutCancels) {
  add_worker("n1", [](const Received&) { return Reply::silent(); });
  start_scheduler();
  auto r = request({leaf("test", "sleep")});
  r.timeout = "500ms";
  const auto job = wait_terminal(submit(r));
  EXPECT_EQ(job.status, JobStatus::kCancelled);
  EXPECT_TRUE(job.results.empty());
}

TEST_F(SchedulerTest, CancelPendingUnknownAndTerminal) {
  add_worker("n1");
  make_scheduler();  // not started: the job stays pending
  const auto id = submit(request({leaf("test", "succeed")}));
  EXPECT_EQ(scheduler->cancel(id).http_status(), 200);
  EXPECT_EQ(read(id)->status, JobStatus::kCancelled);
  EXPECT_EQ(scheduler->cancel(id).http_status(), 409);
  const auto unknown = scheduler->cancel("0123456789abcdef");
  EXPECT_EQ(unknown.http_status(), 404);
  EXPECT_EQ(unknown.error, "job not found: getting job 0123456789abcdef: nats: key not found");
  // The queued request of the cancelled job is dropped when fetched (the revision admission
  // remembered for the claim is stale: the claim's CAS fails, it reads and finds `cancelled`).
  on_loop([this] { scheduler->start(); });
  ASSERT_TRUE(grid::test::wait_for(
      [&] { return js.stream_info(std::string(bus::kRequestsStream)).messages == 0; }));
  EXPECT_TRUE(log.commands().empty());
  EXPECT_EQ(read(id)->status, JobStatus::kCancelled);
}

TEST_F(SchedulerTest, RemoteCancelStopsTheOwnerBeforeTheStepEnds) {
  // Step 0's result comes 4 s after its command. The owner must notice a cancel written by
  // another controller within 2 s (BUG-13) and stop as for a local cancel: its slot frees up
  // before that result exists, step 1 is never dispatched and the late result is not stored.
  add_worker("n1", [](const Received& r) {
    if (r.command.task_index == 0 && r.command.backend == "test" && r.command.action == "sleep") {
      return Reply{"success", "slept", "", 4000ms};
    }
    return Reply{};
  });
  start_scheduler({"ctrl-test", 1, 100, 1s});
  const auto id = submit(request({leaf("test", "sleep"), leaf("test", "succeed")}));
  const auto queued = submit(request({leaf("test", "succeed")}));
  ASSERT_TRUE(grid::test::wait_for([&] { return !log.commands().empty(); }));
  JobStore other(bus::KvStore::open(js, std::string(bus::kJobsBucket)));
  ASSERT_EQ(cancel_in_store(other, id).http_status(), 200);

  EXPECT_EQ(wait_terminal(queued).status, JobStatus::kCompleted);
  auto result_of_step0 = [&] {
    const auto results = log.results();
    return std::find_if(results.begin(), results.end(),
                        [&](const auto& r) { return r.job_id == id; }) != results.end();
  };
  const auto commands = log.commands();
  const auto queued_command = std::find_if(commands.begin(), commands.end(),
                                           [&](const auto& c) { return c.command.job_id == queued; });
  ASSERT_NE(queued_command, commands.end());
  EXPECT_FALSE(result_of_step0()) << "the owner kept its slot until step 0 ended";

  // Once the late result exists and a later job has gone through, nothing changed for `id`.
  ASSERT_TRUE(grid::test::wait_for(result_of_step0, 10s));
  const auto after = submit(request({leaf("test", "succeed")}));
  EXPECT_EQ(wait_terminal(after).status, JobStatus::kCompleted);
  const auto job = read(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::kCancelled);
  EXPECT_TRUE(job->results.empty());
  for (const auto& c : log.commands()) {
    EXPECT_FALSE(c.command.job_id == id && c.command.task_index == 1) << "step 1 was dispatched";
  }
}

TEST_F(SchedulerTest, PipelineSubStepTimeoutsAndRetriesArePerNode) {
  // pipeline[test succeed (timeout 400ms, max_retries 1), ping echo], strategy continue.
  // n1 is silent on its first attempt of sub-step 0 and answers the retry; n2 answers at
  // once; n3 never answers sub-step 0. Each node runs its own timer and retry (BUG-16).
  add_worker("n1", [](const Received& r) {
    return r.command.task_index == 0 && r.attempt == 1 ? Reply::silent() : Reply{};
  });
  add_worker("n2");
  add_worker("n3", [](const Received& r) {
    return r.command.task_index == 0 ? Reply::silent() : Reply{};
  });
  start_scheduler();
  const auto job = wait_terminal(submit(request(
      {branch({with(leaf("test", "succeed"), "", "400ms", 1), leaf("ping", "echo")})},
      "continue")));
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  const auto& step0 = job.results.at(0);
  EXPECT_EQ(step0.at("n1").status, model::NodeResultStatus::kSuccess);
  EXPECT_EQ(step0.at("n1").attempts, 2);
  EXPECT_EQ(step0.at("n2").status, model::NodeResultStatus::kSuccess);
  EXPECT_EQ(step0.at("n3").status, model::NodeResultStatus::kFailed);
  EXPECT_EQ(step0.at("n3").error, "timeout: no result within 400ms");
  EXPECT_EQ(step0.at("n3").attempts, 2);
  const auto& step1 = job.results.at(1);
  EXPECT_EQ(step1.at("n1").status, model::NodeResultStatus::kSuccess);
  EXPECT_EQ(step1.at("n2").status, model::NodeResultStatus::kSuccess);
  EXPECT_EQ(step1.at("n3").status, model::NodeResultStatus::kSkipped);

  // n2 went on to sub-step 1 without waiting for n1's retry; retries went only to the node
  // that needed them, on its own subject.
  const auto commands = log.commands();
  auto find = [&](const std::string& node, int index, int attempt) {
    return std::find_if(commands.begin(), commands.end(), [&](const Received& c) {
      return c.node == node && c.command.task_index == index && c.attempt == attempt;
    });
  };
  const auto n2_step1 = find("n2", 1, 1);
  const auto n1_retry = find("n1", 0, 2);
  ASSERT_NE(n2_step1, commands.end());
  ASSERT_NE(n1_retry, commands.end());
  EXPECT_LT(n2_step1 - commands.begin(), n1_retry - commands.begin());
  EXPECT_EQ(n1_retry->subject, "cmd.node.n1.test.succeed");
  EXPECT_EQ(find("n2", 0, 2), commands.end());
  EXPECT_EQ(find("n3", 1, 1), commands.end());
}

TEST_F(SchedulerTest, MaxConcurrentOneSerialisesJobs) {
  add_worker("n1", [](const Received&) { return Reply{"success", "ok", "", 200ms}; });
  start_scheduler({"ctrl-test", 1, 100, 1s});
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(submit(request({leaf("test", "succeed")})));
  for (const auto& id : ids) EXPECT_EQ(wait_terminal(id).status, JobStatus::kCompleted);
  // Each job's command arrives only after the previous job's result.
  const auto commands = log.commands();
  const auto results = log.results();
  ASSERT_EQ(commands.size(), 3u);
  ASSERT_EQ(results.size(), 3u);
  for (std::size_t i = 1; i < commands.size(); ++i) {
    const auto prev = std::find_if(results.begin(), results.end(), [&](const auto& r) {
      return r.job_id == commands[i - 1].command.job_id;
    });
    ASSERT_NE(prev, results.end());
    EXPECT_GE(commands[i].at, prev->timestamp);
  }
}

TEST_F(SchedulerTest, RestartRecoversOwnOrphanedRunningJob) {
  add_worker("n1");
  // A job left `running` by this controller before a restart, its request long acked.
  model::Job orphan =
      model::new_pending_job(request({leaf("test", "succeed")}), "00000000000000aa", {"n1"}, now());
  orphan.status = JobStatus::kRunning;
  orphan.owner = "ctrl-test";
  orphan.results[0]["n1"] = model::NodeResult{model::NodeResultStatus::kFailed, "", "old", {}, 0};
  jobs->create(orphan.id, model::to_json_text(orphan));
  start_scheduler();
  const auto job = wait_terminal(orphan.id);
  EXPECT_EQ(job.status, JobStatus::kCompleted);
  EXPECT_EQ(job.results.at(0).at("n1").output, "ok");
  EXPECT_EQ(log.commands().size(), 1u);
}

// 200 one-step jobs back to back all complete; the submission-to-KV latency is printed for
// information (timing bars live in bench/, not in tests).
TEST_F(SchedulerTest, SequentialOneStepJobsAllComplete) {
  add_worker("n1");
  start_scheduler();
  std::vector<double> micros;
  std::vector<double> admission;
  for (int i = 0; i < 200; ++i) {
    const auto started = std::chrono::steady_clock::now();
    const auto id = submit(request({leaf("test", "succeed")}));
    admission.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
            .count());
    // Polls KV back to back (each read is one round trip) for a fine-grained end time.
    const auto deadline = started + 20s;
    std::optional<model::Job> job;
    while (!(job = read(id)) || !model::is_terminal(job->status)) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline);
    }
    ASSERT_EQ(job->status, JobStatus::kCompleted) << "job " << i;
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
            .count());
  }
  std::sort(micros.begin(), micros.end());
  std::sort(admission.begin(), admission.end());
  std::printf(
      "one-step job, submission to terminal status in KV: median %.0f us, p90 %.0f us "
      "(200 jobs, one stand-in worker)\n",
      micros[100], micros[180]);
  std::printf("  of which admission (the submit call): median %.0f us\n", admission[100]);
}

}  // namespace
}  // namespace grid::scheduler::test
