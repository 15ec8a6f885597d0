// Pick-up and claim of a fetched request (SPEC §6.3, §6.15): only a `pending` job is claimed
// (BUG-10), by compare-and-swap on the job's revision, setting `running` and the owner.
//
// The revision comes from a read, or, for a job this controller admitted, from ClaimHints:
// admission remembers the revision its KV create produced, and the request's body is the job
// as stored at that revision, so the claim needs no read (one round trip less per job). The
// CAS keeps it exact: a job changed since (e.g. cancelled) fails it and is claimed by reading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "grid/scheduler/job_store.hpp"

namespace grid::scheduler {

struct Claim {
  enum class Outcome {
    claimed,     // `job` is ours: running, owner = controller
    dropped,     // not pending any more (cancelled, terminal, claimed elsewhere) or unknown
    retry_later  // the KV read or write failed: leave the request for redelivery (BUG-49)
  };
  Outcome outcome = Outcome::dropped;
  StoredJob job;
};

// Thread-safe (synchronous KV calls).
Claim claim_job(JobStore& store, const std::string& id, const std::string& controller_id);

// `job` as its owner stores it at the claim: running, owner = controller, updated now.
void mark_claimed(model::Job& job, const std::string& controller_id);

// Revisions of jobs admitted here whose request was not picked up yet. Thread-safe (admission
// runs on API threads, the claim on the scheduler's loop). Bounded: beyond `capacity` the
// oldest hints are forgotten (their jobs are claimed by reading, e.g. when another
// controller picked them up).
class ClaimHints {
 public:
  explicit ClaimHints(std::size_t capacity = 10000) : capacity_(capacity) {}

  void remember(const std::string& id, std::uint64_t revision);
  // The remembered revision (forgotten by this call), or nullopt.
  std::optional<std::uint64_t> take(const std::string& id);

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::uint64_t> revisions_;
  std::deque<std::string> order_;  // oldest first; may name hints already taken
};

}  // namespace grid::scheduler
