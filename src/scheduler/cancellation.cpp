#include "grid/scheduler/cancellation.hpp"

#include "grid/bus/error.hpp"

namespace grid::scheduler {

int CancelResult::http_status() const {
  switch (kind) {
    case Kind::cancelled:
      return 200;
    case Kind::not_found:
      return 404;
    case Kind::not_cancellable:
      return 409;
    case Kind::error:
      break;
  }
  return 500;
}

CancelResult cancel_in_store(JobStore& store, const std::string& id) {
  using Kind = CancelResult::Kind;
  try {
    for (int attempt = 0; attempt < kCancelAttempts; ++attempt) {
      auto stored = store.read(id);
      if (!stored) {
        return {Kind::not_found, "job not found: getting job " + id + ": nats: key not found"};
      }
      if (model::is_terminal(stored->job.status)) {
        return {Kind::not_cancellable, "job is not running or pending"};
      }
      stored->job.status = model::JobStatus::kCancelled;
      stored->job.updated_at = now();
      try {
        store.kv().update(id, JobStore::encode_bounded(stored->job), stored->revision);
        return {Kind::cancelled, {}};
      } catch (const bus::NatsError& e) {
        if (!e.is_cas_conflict()) throw;
      }
    }
    return {Kind::error, "cancelling job " + id + ": the job kept changing"};
  } catch (const Error& e) {
    return {Kind::error, "cancelling job " + id + ": " + e.what()};
  }
}

}  // namespace grid::scheduler
