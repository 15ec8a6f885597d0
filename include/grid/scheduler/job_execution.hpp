// One claimed job running on this controller: the phase walker (SPEC §6.4) with conditions,
// the running phase (barrier step or pipeline), strategies (§6.8), the job timeout (§6.10),
// cancellation (§6.11) and the final status (§6.12).
//
// Job state machine as seen by the owner:
//
//   claimed (running) ──walk phases──▶ completed | failed       (final write, CAS)
//        │  local cancel / job timeout ──▶ cancelled             (final write, CAS)
//        │  KV says cancelled (poll, CAS conflict) ──▶ cancelled (adopted, no write)
//        └  lost ownership / controller stop ──▶ abandoned       (no write; stays running)
//
// KV writes never block the loop: each goes out through the AsyncPublisher and its ack comes
// back as a deferred task. Writes of one job are sequential (each needs the revision the
// previous one produced): a step starts once its start is stored, and the final write waits
// for a write still on its way. The execution ends (on_ended) once the final write is acked;
// a final write the server did not store (NATS down, store full) is repeated with back-off
// (1 s doubling to 10 s) until it is, so a job never stays `running` without an execution.
//
// Thread ownership: created, used and destroyed on the scheduler's loop thread only. Objects
// are never destroyed from inside their own callbacks: a finished phase and the ended
// execution are released from tasks run later through `defer` (which also drops the tasks
// of an execution destroyed meanwhile).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grid/loop/event_loop.hpp"
#include "grid/scheduler/command_publisher.hpp"
#include "grid/scheduler/job_store.hpp"
#include "grid/scheduler/step.hpp"

namespace grid::scheduler {

// What every execution of one scheduler shares; outlives the executions.
struct ExecutionServices {
  loop::EventLoop& loop;
  JobStore& store;
  bus::AsyncPublisher& publisher;  // the job's KV writes
  CommandPublisher& commands;
  std::string controller_id;
};

class JobExecution : private StepContext {
 public:
  // Runs `task` later on the loop thread, only if this execution still exists then.
  using Defer = std::function<void(std::function<void()> task)>;

  // `claimed`: the job as written by the claim (status running, owner = this controller).
  // `on_ended` runs (deferred) once the execution has ended; the owner destroys it there.
  JobExecution(ExecutionServices& services, StoredJob claimed, Defer defer,
               std::function<void()> on_ended);
  ~JobExecution() override;

  const std::string& id() const { return stored_.job.id; }
  bool ended() const { return ended_; }

  // Starts the job timeout (counted from pick-up) and walks the phases.
  void start();
  // A decoded result of this job; ignored unless the running phase awaits it.
  void on_result(const model::TaskResult& result);
  // Local cancel or job timeout: stops at once, writes `cancelled` (nothing is stored for the
  // phase in flight). `reason` is logged.
  void cancel(const std::string& reason);
  // The job as currently stored (nullopt = gone), read by the scheduler's periodic check:
  // `cancelled` → stop as cancelled without writing (BUG-13); no longer running or owned by
  // this controller → stop without writing (BUG-14).
  void check_stored(const std::optional<StoredJob>& stored);
  // Stops without writing anything (controller shutdown, §5.2): the job stays `running`.
  void abandon();

 private:
  // StepContext
  const model::Job& job() const override { return stored_.job; }
  const std::vector<std::string>& active_nodes() const override { return active_; }
  loop::EventLoop& loop() override { return services_.loop; }
  void publish(const model::Phase& leaf, int flat_index, const model::Target& target,
               std::function<void(const Error& error)> on_failure) override;
  void store_result(int index, const std::string& node, model::NodeResult result) override;
  void finish(StepOutcome outcome) override;

  void walk();
  void after_step(StepOutcome outcome, std::size_t leaves);
  void skip_phase(const model::Phase& phase);
  void start_step();
  // Sends the job as it is now; `on_done` runs on the loop with the outcome. One at a time.
  void write(std::function<void(WriteOutcome)> on_done);
  void end(std::optional<model::JobStatus> final_status);
  // After end(), once no write is on its way: the final write if one is due, then on_ended.
  void conclude();

  ExecutionServices& services_;
  StoredJob stored_;
  Defer defer_;
  std::function<void()> on_ended_;
  std::vector<std::string> active_;
  std::size_t phase_ = 0;  // next top-level phase
  int flat_index_ = 0;
  bool step_failed_ = false;
  bool fail_fast_triggered_ = false;
  bool dirty_ = false;  // results or step changed since the last write
  bool ended_ = false;
  bool writing_ = false;          // a write is on its way
  bool final_write_due_ = false;  // end() decided a final status not written yet
  std::uint64_t step_generation_ = 0;  // tells a running step's deferred callbacks from stale ones
  std::unique_ptr<StepRunner> step_;
  std::unique_ptr<StepRunner> retired_;  // a finished phase, released by a deferred task
  loop::Timer job_timer_;
  loop::Timer final_write_timer_;  // repeats a final write that was not stored
  Duration final_write_backoff_ = std::chrono::milliseconds(500);
};

}  // namespace grid::scheduler
