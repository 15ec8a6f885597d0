// Admission of a submitted job (SPEC §6.1, §10.3): validation, queue check, target
// resolution, KV create, request publish.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "grid/bus/jetstream.hpp"
#include "grid/bus/kv.hpp"
#include "grid/model/job.hpp"
#include "grid/scheduler/abandoned_jobs.hpp"
#include "grid/scheduler/claim.hpp"
#include "grid/scheduler/job_store.hpp"
#include "grid/scheduler/node_view.hpp"

namespace grid::scheduler {

// The answer POST /job gives: 202 with the stored job, or an HTTP status with error text.
struct SubmitResult {
  int http_status = 202;
  std::string error;              // the `error` field of the response when not 202
  std::optional<model::Job> job;  // the stored job when 202

  bool accepted() const { return http_status == 202; }
};

// Thread-safe: every step is a synchronous NATS call or a read of the node view; API threads
// call it directly.
class Admission {
 public:
  // `hints` receives the revision of every job created (ClaimHints, claim.hpp); `abandoned`
  // the jobs refused after their KV create whose entry could not be deleted. `store_dir`: the
  // JetStream store of the managed nats-server, empty when NATS is external.
  Admission(bus::JetStream& js, JobStore& jobs, ClaimHints& hints, AbandonedJobs& abandoned,
            bus::KvStore nodes, int max_pending, std::filesystem::path store_dir = {});

  // In order: validation (400, first error; warnings logged); queue check from the message
  // count of stream `requests` (429 `queue full`, BUG-8); target resolution (422
  // `resolving targets: no online nodes match target <scope>:<value>`, BUG-20); a job document
  // above half of kMaxJobDocument (413 `job too large`, BUG-23); KV create (500
  // `creating job: storing job: …`); publish to request.<id> (500 `publishing request: …`,
  // after deleting the KV entry, BUG-48; when the delete fails too, the job is handed to
  // `abandoned`). A 500 answer ends with "; JetStream store <dir> is
  // full (…)" when that is the likely cause (store_space.hpp).
  SubmitResult submit(const model::JobRequest& request);

 private:
  // The message count of stream `requests` (BUG-8). A work queue drops a request when the
  // scheduler acknowledges it, but nats-server 2.9 killed with SIGKILL can lose those removals
  // while keeping the consumer's acks: the requests then stay for ever, are never delivered
  // again, and the queue looks full to an idle controller (found by the kill soak). When the
  // count reaches `max`, requests at or below the `scheduler` consumer's ack floor (all
  // acknowledged) are removed and the count is read again.
  std::uint64_t queued_requests(std::uint64_t max);

  bus::JetStream& js_;
  JobStore& jobs_;
  ClaimHints& hints_;
  AbandonedJobs& abandoned_;
  NodeView nodes_;
  int max_pending_;
  std::filesystem::path store_dir_;
};

}  // namespace grid::scheduler
