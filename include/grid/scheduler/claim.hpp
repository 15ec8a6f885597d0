// Pick-up and claim of a fetched request (SPEC §6.3, §6.15): only a `pending` job is claimed
// (BUG-10), by compare-and-swap on the revision just read, setting `running` and the owner.
#pragma once

#include <optional>
#include <string>

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

}  // namespace grid::scheduler
