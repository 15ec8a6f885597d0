#include "grid/scheduler/claim.hpp"

#include <spdlog/spdlog.h>

#include "grid/bus/error.hpp"

namespace grid::scheduler {

Claim claim_job(JobStore& store, const std::string& id, const std::string& controller_id) {
  using Outcome = Claim::Outcome;
  std::optional<StoredJob> stored;
  try {
    stored = store.read(id);
  } catch (const bus::NatsError& e) {
    spdlog::warn("job {}: reading for the claim failed: {}", id, e.what());
    return {Outcome::retry_later, {}};
  } catch (const Error& e) {
    spdlog::warn("job {}: undecodable, dropped: {}", id, e.what());
    return {Outcome::dropped, {}};
  }
  if (!stored || stored->job.status != model::JobStatus::kPending) {
    spdlog::debug("job {}: not pending, request dropped", id);
    return {Outcome::dropped, {}};
  }
  stored->job.status = model::JobStatus::kRunning;
  stored->job.owner = controller_id;
  stored->job.updated_at = now();
  try {
    stored->revision =
        store.kv().update(id, JobStore::encode_bounded(stored->job), stored->revision);
  } catch (const bus::NatsError& e) {
    if (e.is_cas_conflict()) return {Outcome::dropped, {}};  // cancelled or claimed elsewhere
    spdlog::warn("job {}: claim write failed: {}", id, e.what());
    return {Outcome::retry_later, {}};
  }
  return {Outcome::claimed, std::move(*stored)};
}

}  // namespace grid::scheduler
