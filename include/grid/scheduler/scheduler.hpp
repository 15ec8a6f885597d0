// The scheduler of a controller (SPEC §6): admission, queue consumption with
// scheduler.max_concurrent slots, claim, execution of every claimed job, cancellation,
// remote-cancel detection, start-up recovery of this controller's own orphans and the
// periodic recovery scan (§6.15).
//
// Threads: one grid::loop::EventLoop (the controller's) owns every running job; no lock
// guards job state. The request fetch thread, the nats.c thread of the results subscription
// and the recovery scan's thread only post to that loop. submit() and cancel() are for API
// threads. Job writes, command publishes and the claim go out through a bus::AsyncPublisher
// and their acks come back as posted tasks; the loop still makes a few synchronous calls (a
// claim that has to read first, the ownership read per running job per check interval).
#pragma once

#include <memory>
#include <string>

#include "grid/bus/connection.hpp"
#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"
#include "grid/loop/event_loop.hpp"
#include "grid/model/job.hpp"
#include "grid/scheduler/admission.hpp"
#include "grid/scheduler/cancellation.hpp"
#include "grid/scheduler/recovery_scan.hpp"

namespace grid::scheduler {

struct SchedulerOptions {
  std::string controller_id;  // nats.name: written as `owner`
  int max_concurrent = 5;     // ≤ 0 → 5
  int max_pending = 100;      // ≤ 0 → 100
  // How often running jobs are re-read to notice a cancel or a takeover by someone else
  // (BUG-13 requires < 2 s).
  Duration ownership_check_interval = std::chrono::seconds(1);
  // The managed nats-server's store directory, named in admission errors when full; empty
  // with an external NATS.
  std::string store_dir{};
  // §6.15 recovery scan: controller.stale_threshold, and when scans run.
  Duration stale_threshold = std::chrono::seconds(60);
  RecoveryTiming recovery = spec_recovery_timing(std::chrono::seconds(60));
};

class Scheduler {
 public:
  // Nothing starts before start(). `connection`, `js` and `loop` must outlive the scheduler.
  Scheduler(loop::EventLoop& loop, bus::Connection& connection, bus::JetStream& js,
            bus::KvStore jobs, bus::KvStore nodes, bus::KvStore controllers,
            SchedulerOptions options);
  // stop().
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Recovers this controller's own orphaned running jobs (BUG-11), subscribes to results,
  // ensures the `scheduler` consumer, starts pulling requests and starts the recovery scan.
  // Loop thread (or before the loop runs). Throws grid::Error.
  void start();
  // Stops the recovery scan, pulling and dispatching (§5.2): running jobs are dropped locally
  // WITHOUT any write (they stay `running`, owned by this controller, and are recovered at
  // the next start). Blocks up to one fetch wait (2 s) or one NATS call of a scan. Loop thread, or any thread once the loop stopped.
  // Idempotent.
  void stop();

  // POST /job (§6.1). Any thread.
  SubmitResult submit(const model::JobRequest& request);
  // POST /job/<id>/cancel (§6.11). Any thread except the loop thread (it waits for the loop
  // to look the job up among the local executions).
  CancelResult cancel(const std::string& id);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // posted tasks hold weak references
};

}  // namespace grid::scheduler
