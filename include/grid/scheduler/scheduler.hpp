// The scheduler of a controller (SPEC §6): admission, queue consumption with
// scheduler.max_concurrent slots, claim, execution of every claimed job, cancellation,
// remote-cancel detection and start-up recovery of this controller's own orphans.
//
// Threads: one grid::loop::EventLoop (the controller's) owns every running job; no lock
// guards job state. The request fetch thread and the nats.c thread of the results
// subscription only post to that loop. submit() and cancel() are for API threads.
// KV and JetStream calls of running jobs are synchronous nats.c calls (~250 µs each) made on
// the loop thread; each job makes few of them (claim, one write per step, final write, one
// ownership read per check interval).
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
};

class Scheduler {
 public:
  // Nothing starts before start(). `connection`, `js` and `loop` must outlive the scheduler.
  Scheduler(loop::EventLoop& loop, bus::Connection& connection, bus::JetStream& js,
            bus::KvStore jobs, bus::KvStore nodes, SchedulerOptions options);
  // stop().
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Recovers this controller's own orphaned running jobs (BUG-11), subscribes to results,
  // ensures the `scheduler` consumer and starts pulling requests. Loop thread (or before the
  // loop runs). Throws grid::Error.
  void start();
  // Stops pulling and dispatching (§5.2): running jobs are dropped locally WITHOUT any write
  // (they stay `running`, owned by this controller, and are recovered at the next start).
  // Blocks up to one fetch wait (2 s). Loop thread, or any thread once the loop stopped.
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
