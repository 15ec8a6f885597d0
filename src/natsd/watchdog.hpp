// Liveness watchdog of the managed nats-server (SPEC §16 D-1 supervision; private to natsd).
//
// A nats-server 2.9.10 whose JetStream store ran out of space stays alive and keeps answering
// pings, /healthz and /varz, but every JetStream call and GET /jsz hang (docs/SECURITY.md,
// Faults). The Watchdog asks the child GET /jsz (jetstream_stalled) as WatchdogOptions say and
// reports a child whose probes failed `failures` times in a row, once; it then counts again.
// The count starts afresh whenever the child changes (a restart), and nothing is probed while
// `child` returns 0, so a restarted server has `failures` probe periods to become ready.
//
// Threads: a Watchdog owns one thread, which probes and waits between probes; `child` and
// `on_stalled` are called on it. It is a thread of its own, not ManagedServer's libuv loop,
// because a probe blocks up to its timeout while the loop must keep reaping the child and
// running its timers; and not uv_queue_work, whose pool is shared by the whole process and
// cannot cancel a probe either. The destructor wakes and joins the thread: at once while it
// waits, after the probe in flight otherwise, which fails as soon as the server process is
// gone (ManagedServer destroys its Watchdog only after the child has been reaped).
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "grid/common/stop_signal.hpp"
#include "grid/natsd/server_options.hpp"

namespace grid::natsd {

class Watchdog {
 public:
  // The pid of the child to probe now, 0 while none should be (none runs, or stopping).
  using ChildPid = std::function<int()>;
  // `what` reads "has not answered GET <url>/jsz for 35 s (3 probes in a row; last: ...)".
  using OnStalled = std::function<void(int pid, const std::string& what)>;

  // Starts the thread; the first probe comes one interval later. Throws grid::Error when an
  // option is not positive.
  Watchdog(WatchdogOptions options, std::string monitoring_url, ChildPid child,
           OnStalled on_stalled);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  using Clock = std::chrono::steady_clock;

  void run();
  void probe(int pid);

  const WatchdogOptions options_;
  const std::string monitoring_url_;
  const ChildPid child_;
  const OnStalled on_stalled_;

  // Watchdog thread only: the failed probes in a row of child `watched_`.
  int watched_ = 0;
  int failures_ = 0;
  Clock::time_point first_failure_;

  StopSignal ending_;
  std::thread thread_;  // declared last: starts once the members above exist
};

}  // namespace grid::natsd
