#include "grid/scheduler/recovery.hpp"

#include <spdlog/spdlog.h>

#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/model/json.hpp"

namespace grid::scheduler {
namespace {

bool recover_one(JobStore& store, bus::JetStream& js, model::Job job, std::uint64_t revision) {
  model::Job pending = requeued(std::move(job));
  pending.updated_at = now();
  const std::string text = model::to_json_text(pending);
  try {
    store.kv().update(pending.id, text, revision);
    js.publish(bus::request_subject(pending.id), text);
    spdlog::info("job {}: recovered (was running on this controller), queued again", pending.id);
    return true;
  } catch (const Error& e) {
    spdlog::warn("job {}: recovery skipped: {}", pending.id, e.what());
    return false;
  }
}

}  // namespace

model::Job requeued(model::Job job) {
  job.status = model::JobStatus::kPending;
  job.owner.clear();
  job.step = 0;
  job.results.clear();
  return job;
}

std::size_t recover_own_jobs(JobStore& store, bus::JetStream& js,
                             const std::string& controller_id) {
  std::size_t recovered = 0;
  for (const auto& entry : store.kv().list()) {
    model::Job job;
    try {
      job = model::parse_job(entry.value);
    } catch (const Error& e) {
      spdlog::warn("recovery: ignoring undecodable job {}: {}", entry.key, e.what());
      continue;
    }
    if (job.status != model::JobStatus::kRunning || job.owner != controller_id) continue;
    if (recover_one(store, js, std::move(job), entry.revision)) ++recovered;
  }
  return recovered;
}

}  // namespace grid::scheduler
