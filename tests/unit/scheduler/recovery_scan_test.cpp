// The periodic recovery scan (SPEC §6.15): its rules as a pure function, one scan against a
// real nats-server (rules A, B with BUG-9, BUG-11, the revision guard), and the scheduler's
// scan thread recovering jobs while it leaves its own executions alone.
#include <gtest/gtest.h>

#include <thread>

#include "grid/bus/subjects.hpp"
#include "grid/model/json.hpp"
#include "grid/scheduler/recovery_scan.hpp"
#include "scheduler_fixture.hpp"

namespace grid::scheduler::test {
namespace {

using model::JobStatus;

model::Job job_with(const std::string& id, JobStatus status, const std::string& owner,
                    Timestamp created) {
  model::Job job = model::new_pending_job(request({leaf("test", "succeed")}), id, {"n1"}, created);
  job.status = status;
  job.owner = owner;
  if (status != JobStatus::kPending) {
    job.results[0]["n1"] = model::NodeResult{model::NodeResultStatus::kSuccess, "old", "", {}, 0};
  }
  return job;
}

model::ControllerInfo controller(const std::string& id, const std::string& status,
                                 Timestamp last_seen) {
  return {id, "host-" + id, status, last_seen, last_seen - 1h};
}

TEST(RecoveryTiming, FollowsTheSpecFormula) {
  EXPECT_EQ(spec_recovery_timing(60s).interval, 30s);
  EXPECT_EQ(spec_recovery_timing(60s).first, 40s);
  EXPECT_EQ(spec_recovery_timing(10s).interval, 15s);  // never below 15 s
  EXPECT_EQ(spec_recovery_timing(10s).first, 25s);
  EXPECT_EQ(spec_recovery_timing(120s).interval, 60s);
}

TEST(PickRecoverable, AppliesRulesAAndBAndBug11) {
  const Timestamp t = now();
  const Timestamp old = t - 5min;
  ScanView view;
  view.controllers = {{"ctrl-off", controller("ctrl-off", "offline", t)},
                      {"ctrl-live", controller("ctrl-live", "online", t - 30s)},
                      {"ctrl-stale", controller("ctrl-stale", "online", t - 61s)}};
  view.queued = {"0000000000000008"};
  view.local = std::set<std::string>{"0000000000000006"};
  const std::vector<std::pair<model::Job, std::optional<RecoveryRule>>> cases{
      {job_with("0000000000000001", JobStatus::kRunning, "ctrl-off", old),
       RecoveryRule::dead_owner},
      {job_with("0000000000000002", JobStatus::kRunning, "ctrl-live", old), std::nullopt},
      {job_with("0000000000000003", JobStatus::kRunning, "ctrl-stale", old),
       RecoveryRule::dead_owner},
      {job_with("0000000000000004", JobStatus::kRunning, "ctrl-never-seen", old),
       RecoveryRule::dead_owner},
      {job_with("0000000000000005", JobStatus::kRunning, "ctrl-self", old),
       RecoveryRule::own_orphan},
      {job_with("0000000000000006", JobStatus::kRunning, "ctrl-self", old), std::nullopt},
      {job_with("0000000000000007", JobStatus::kPending, "", old), RecoveryRule::stale_pending},
      {job_with("0000000000000008", JobStatus::kPending, "", old), std::nullopt},  // queued
      {job_with("0000000000000009", JobStatus::kPending, "", t - 59s), std::nullopt},  // young
      {job_with("000000000000000a", JobStatus::kCompleted, "ctrl-off", old), std::nullopt},
      {job_with("000000000000000b", JobStatus::kFailed, "ctrl-self", old), std::nullopt},
      {job_with("000000000000000c", JobStatus::kCancelled, "", old), std::nullopt},
  };
  for (const auto& [job, rule] : cases) view.jobs.push_back({job, 1});
  const auto picks = pick_recoverable(view, "ctrl-self", 60s, t);
  std::map<std::string, RecoveryRule> picked;
  for (const auto& pick : picks) picked.emplace(pick.stored.job.id, pick.rule);
  for (const auto& [job, rule] : cases) {
    const auto it = picked.find(job.id);
    if (rule) {
      ASSERT_NE(it, picked.end()) << job.id << " not recovered";
      EXPECT_EQ(it->second, *rule) << job.id;
    } else {
      EXPECT_EQ(it, picked.end()) << job.id << " recovered: " << describe(it->second, job);
    }
  }

  // Without the scheduler's answer its own jobs are left alone.
  view.local.reset();
  for (const auto& pick : pick_recoverable(view, "ctrl-self", 60s, t)) {
    EXPECT_NE(pick.rule, RecoveryRule::own_orphan) << pick.stored.job.id;
  }
}

std::future<std::set<std::string>> answer(std::set<std::string> ids) {
  std::promise<std::set<std::string>> promise;
  promise.set_value(std::move(ids));
  return promise.get_future();
}

class RecoveryScanTest : public SchedulerTest {
 protected:
  void put_job(const model::Job& job) { jobs->put(job.id, model::to_json_text(job)); }
  void put_controller(const model::ControllerInfo& info) {
    controllers->put(info.id, model::to_json_text(info));
  }
  std::uint64_t queued_requests() { return js.stream_info("requests").messages; }

  JobStore store{bus::KvStore::open(js, std::string(bus::kJobsBucket))};
  AbandonedJobs abandoned;
};

// BUG-48: a job refused at submission whose entry admission could not delete is deleted by
// the scan (not run by rule B); one claimed meanwhile (its request was stored after all) is
// left alone and forgotten.
TEST_F(RecoveryScanTest, AbandonedJobsAreDeletedNotRequeued) {
  const auto refused = job_with("00000000000000d1", JobStatus::kPending, "", now() - 10min);
  const auto claimed = job_with("00000000000000d2", JobStatus::kRunning, "ctrl-test", now());
  put_job(refused);
  put_job(claimed);
  abandoned.add(refused.id);
  abandoned.add(claimed.id);
  RecoveryScanner scanner(store, bus::KvStore::open(js, std::string(bus::kControllersBucket)), js,
                          abandoned, "ctrl-test", 60s, [&] { return answer({claimed.id}); });
  EXPECT_EQ(scanner.scan(), 0u);
  EXPECT_FALSE(read(refused.id).has_value());
  EXPECT_EQ(read(claimed.id)->status, JobStatus::kRunning);
  EXPECT_EQ(queued_requests(), 0u);
  EXPECT_TRUE(abandoned.ids().empty());
}

TEST_F(RecoveryScanTest, OneScanRequeuesOrphansOnceAndLeavesTheRestAlone) {
  const Timestamp old = now() - 10min;
  put_controller(controller("ctrl-gone", "offline", now()));
  put_controller(controller("ctrl-peer", "online", now()));
  const auto dead_owner = job_with("00000000000000a1", JobStatus::kRunning, "ctrl-gone", old);
  const auto live_owner = job_with("00000000000000a2", JobStatus::kRunning, "ctrl-peer", old);
  const auto own_orphan = job_with("00000000000000a3", JobStatus::kRunning, "ctrl-test", old);
  const auto own_local = job_with("00000000000000a4", JobStatus::kRunning, "ctrl-test", old);
  const auto lost_request = job_with("00000000000000a5", JobStatus::kPending, "", old);
  const auto queued = job_with("00000000000000a6", JobStatus::kPending, "", old);
  const auto done = job_with("00000000000000a7", JobStatus::kCompleted, "ctrl-gone", old);
  for (const auto* job : {&dead_owner, &live_owner, &own_orphan, &own_local, &lost_request, &queued,
                          &done}) {
    put_job(*job);
  }
  js.publish(bus::request_subject(queued.id), model::to_json_text(queued));

  RecoveryScanner scanner(store, bus::KvStore::open(js, std::string(bus::kControllersBucket)), js,
                          abandoned, "ctrl-test", 60s, [&] { return answer({own_local.id}); });
  EXPECT_EQ(scanner.scan(), 3u);
  for (const auto* job : {&dead_owner, &own_orphan, &lost_request}) {
    const auto stored = read(job->id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->status, JobStatus::kPending) << job->id;
    EXPECT_EQ(stored->owner, "") << job->id;
    EXPECT_EQ(stored->step, 0) << job->id;
    EXPECT_TRUE(stored->results.empty()) << job->id;
    EXPECT_EQ(stored->created_at, job->created_at) << job->id;
  }
  EXPECT_EQ(read(live_owner.id)->status, JobStatus::kRunning);
  EXPECT_EQ(read(own_local.id)->status, JobStatus::kRunning);
  EXPECT_EQ(read(done.id)->status, JobStatus::kCompleted);
  EXPECT_EQ(queued_requests(), 4u);  // the queued one, not published again, and three new

  // BUG-9: the re-queued jobs are pending, old, and now queued: the next scan leaves them.
  EXPECT_EQ(scanner.scan(), 0u);
  EXPECT_EQ(queued_requests(), 4u);
}

TEST_F(RecoveryScanTest, AJobChangedAfterTheListingIsNotRecovered) {
  put_controller(controller("ctrl-gone", "offline", now()));
  auto job = job_with("00000000000000b1", JobStatus::kRunning, "ctrl-gone", now() - 10min);
  put_job(job);
  // The scheduler is asked after the listing: the job ends meanwhile (as a late write of
  // its owner, or a peer's recovery, would change it).
  RecoveryScanner scanner(store, bus::KvStore::open(js, std::string(bus::kControllersBucket)), js,
                          abandoned, "ctrl-test", 60s, [&] {
                            job.status = JobStatus::kCompleted;
                            put_job(job);
                            return answer({});
                          });
  EXPECT_EQ(scanner.scan(), 0u);
  EXPECT_EQ(read(job.id)->status, JobStatus::kCompleted);
  EXPECT_EQ(queued_requests(), 0u);
}

TEST_F(RecoveryScanTest, ASlowScanDoesNotMakeALivePeerLookDead) {
  // The peer's entry is fresh when the scan reads it; the scan then takes longer than the
  // stale threshold (the scheduler answers late, as a long jobs listing would delay it too).
  // Measured at the end of the scan, the peer's last_seen would look 1.5 s old.
  put_controller(controller("ctrl-peer", "online", now()));
  const auto job = job_with("00000000000000d1", JobStatus::kRunning, "ctrl-peer", now() - 10min);
  put_job(job);
  RecoveryScanner scanner(store, bus::KvStore::open(js, std::string(bus::kControllersBucket)), js,
                          abandoned, "ctrl-test", 1s, [] {
                            std::this_thread::sleep_for(1500ms);
                            return answer({});
                          });
  EXPECT_EQ(scanner.scan(), 0u);
  EXPECT_EQ(read(job.id)->status, JobStatus::kRunning);
  EXPECT_EQ(read(job.id)->owner, "ctrl-peer");
  EXPECT_EQ(queued_requests(), 0u);
}

TEST_F(RecoveryScanTest, TheSchedulersScanRunsOrphansAndLeavesItsOwnExecutionsAlone) {
  const std::set<std::string> orphans{"00000000000000c1", "00000000000000c2"};
  add_worker("n1", [orphans](const Received& r) {
    Reply reply;
    if (!orphans.contains(r.command.job_id)) reply.delay = 1500ms;  // spans several scans
    return reply;
  });
  put_controller(controller("ctrl-gone", "offline", now()));
  put_job(job_with("00000000000000c1", JobStatus::kRunning, "ctrl-gone", now() - 10min));
  put_job(job_with("00000000000000c2", JobStatus::kPending, "", now() - 10min));
  SchedulerOptions options;
  options.stale_threshold = 1s;
  options.recovery = {200ms, 200ms};
  start_scheduler(options);
  const auto own = submit(request({leaf("test", "succeed")}));
  for (const auto& id : {std::string("00000000000000c1"), std::string("00000000000000c2"), own}) {
    const auto job = wait_terminal(id);
    EXPECT_EQ(job.status, JobStatus::kCompleted) << id;
    EXPECT_EQ(job.results.at(0).at("n1").output, "ok") << id;
  }
  // One command per job: the job executing here was never taken for an orphan.
  std::map<std::string, int> commands;
  for (const auto& received : log.commands()) ++commands[received.command.job_id];
  EXPECT_EQ(commands, (std::map<std::string, int>{
                          {"00000000000000c1", 1}, {"00000000000000c2", 1}, {own, 1}}));
}

}  // namespace
}  // namespace grid::scheduler::test
