// Cancellation through KV (SPEC §6.11) for jobs not running on this controller: pending jobs
// and jobs running elsewhere (their owner notices within its check interval, BUG-13).
#pragma once

#include <string>

#include "grid/scheduler/job_store.hpp"

namespace grid::scheduler {

// What a cancel request became; the API maps it to 200 / 404 / 409 / 500.
struct CancelResult {
  enum class Kind { cancelled, not_found, not_cancellable, error };
  Kind kind = Kind::cancelled;
  std::string error;  // the API's error text for every kind but `cancelled`

  int http_status() const;
};

inline constexpr int kCancelAttempts = 5;

// Reads the job and CAS-writes `cancelled` when it is pending or running; a CAS conflict
// re-reads and re-evaluates, up to kCancelAttempts times (BUG-21). Thread-safe.
CancelResult cancel_in_store(JobStore& store, const std::string& id);

}  // namespace grid::scheduler
