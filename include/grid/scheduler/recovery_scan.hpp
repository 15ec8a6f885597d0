// The periodic recovery scan of SPEC §6.15. One scan lists KV `controllers` and the jobs not
// terminal in `jobs` (the others are skipped by their status field alone), then
// reads which request.<id> subjects hold a message in stream `requests`, then asks the
// scheduler which jobs it executes or is claiming, and re-queues (recovery.hpp):
//   (A) `running` jobs whose owner is a dead controller (§5.3: entry `offline`, `last_seen`
//       older than the stale threshold, or no entry at all) other than this one;
//   (BUG-11) `running` jobs owned by this controller that it does not execute;
//   (B) `pending` jobs without owner, created more than the stale threshold ago, with no
//       request.<id> message queued (BUG-9: a job merely waiting in the queue is left alone).
// A job admission refused whose entry it could not delete (AbandonedJobs) is deleted instead,
// while still `pending` (BUG-48), and never re-queued.
// Every re-queue is a CAS on the revision seen in the listing, so a job that changed after it
// (claimed, finished, recovered by a peer) is skipped; the order of the reads makes that
// sufficient: a request acked after the stream read belongs to a job claimed after the listing.
//
// Thread: RecoveryScanner owns one thread that sleeps between scans (stop() wakes it at
// once) and makes every NATS call of a scan itself; nats.c handles are thread-safe. The
// scheduler's loop is only asked for its local jobs.
#pragma once

#include <functional>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"
#include "grid/common/duration.hpp"
#include "grid/common/stop_signal.hpp"
#include "grid/model/controller_info.hpp"
#include "grid/scheduler/abandoned_jobs.hpp"
#include "grid/scheduler/job_store.hpp"

namespace grid::scheduler {

// When scans run: the first one `first` after start, then every `interval`.
struct RecoveryTiming {
  Duration first;
  Duration interval;
};

// §6.15: every max(stale_threshold / 2, 15 s), the first one 10 s + that interval after start.
RecoveryTiming spec_recovery_timing(Duration stale_threshold);

enum class RecoveryRule { dead_owner, own_orphan, stale_pending };

// "owner ctrl-2 is dead", "was running on this controller", "pending without a queued request"
std::string describe(RecoveryRule rule, const model::Job& job);

// What one scan saw.
struct ScanView {
  // When the listing began. Ages (a controller's `last_seen`, a pending job's `created_at`)
  // are measured at this instant: what was read is no fresher than the read, and a listing
  // of many jobs, or a late answer of the scheduler, must not make a live peer look dead.
  Timestamp listed_at{};
  std::vector<StoredJob> jobs;  // the jobs not terminal (list_open_jobs)
  std::map<std::string, model::ControllerInfo> controllers;  // by controller ID
  std::set<std::string> queued;  // job IDs with a request.<id> message in `requests`
  std::set<std::string> abandoned;  // AbandonedJobs when the listing began
  // Jobs executing or being claimed here; nullopt when the scheduler did not answer (its own
  // jobs are then left alone in this scan).
  std::optional<std::set<std::string>> local;
};

struct RecoveryPick {
  StoredJob stored;
  RecoveryRule rule;
};

// The jobs the rules above recover, in listing order. Pure.
std::vector<RecoveryPick> pick_recoverable(const ScanView& view, const std::string& self,
                                           Duration stale_threshold, Timestamp now);

class RecoveryScanner {
 public:
  // The IDs of the jobs the scheduler executes or is claiming, answered from its loop.
  using LocalJobs = std::function<std::future<std::set<std::string>>()>;

  // `store`, `js`, `abandoned` must outlive the scanner.
  RecoveryScanner(JobStore& store, bus::KvStore controllers, bus::JetStream& js,
                  AbandonedJobs& abandoned, std::string self, Duration stale_threshold,
                  LocalJobs local_jobs);
  // stop().
  ~RecoveryScanner();
  RecoveryScanner(const RecoveryScanner&) = delete;
  RecoveryScanner& operator=(const RecoveryScanner&) = delete;

  // Starts the thread. Call once.
  void start(RecoveryTiming timing);
  // Ends the thread; a scan in progress stops before its next NATS call (one call, bounded
  // by the JetStream timeout, may still finish; a wait for the scheduler's answer ends
  // within 50 ms). Idempotent; any thread, the scheduler's loop included.
  void stop();

  // One scan now, on the calling thread. Returns how many jobs were re-queued. Throws
  // bus::NatsError when a listing fails.
  std::size_t scan();

 private:
  ScanView look();
  std::set<std::string> queued_jobs();
  std::map<std::string, model::ControllerInfo> list_controllers();
  std::optional<std::set<std::string>> ask_local_jobs();
  void remove_abandoned(const ScanView& view);
  void run(RecoveryTiming timing);

  JobStore& store_;
  bus::KvStore controllers_;
  bus::JetStream& js_;
  AbandonedJobs& abandoned_;
  const std::string self_;
  const Duration stale_threshold_;
  LocalJobs local_jobs_;

  StopSignal stop_;
  std::thread thread_;
};

}  // namespace grid::scheduler
