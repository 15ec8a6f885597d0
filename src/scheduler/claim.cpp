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
  mark_claimed(stored->job, controller_id);
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

void mark_claimed(model::Job& job, const std::string& controller_id) {
  job.status = model::JobStatus::kRunning;
  job.owner = controller_id;
  job.updated_at = now();
}

void ClaimHints::remember(const std::string& id, std::uint64_t revision) {
  std::lock_guard lock(mutex_);
  revisions_[id] = revision;
  order_.push_back(id);
  while (order_.size() > capacity_) {
    revisions_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<std::uint64_t> ClaimHints::take(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = revisions_.find(id);
  if (it == revisions_.end()) return std::nullopt;
  const std::uint64_t revision = it->second;
  revisions_.erase(it);
  return revision;
}

}  // namespace grid::scheduler
