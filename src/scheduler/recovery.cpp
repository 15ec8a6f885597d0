#include "grid/scheduler/recovery.hpp"

#include <spdlog/spdlog.h>

#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/model/job_peek.hpp"
#include "grid/model/json.hpp"

namespace grid::scheduler {

model::Job requeued(model::Job job) {
  job.status = model::JobStatus::kPending;
  job.owner.clear();
  job.step = 0;
  job.results.clear();
  return job;
}

bool requeue(JobStore& store, bus::JetStream& js, StoredJob stored, std::string_view why) {
  model::Job pending = requeued(std::move(stored.job));
  pending.updated_at = now();
  const std::string text = model::to_json_text(pending);
  try {
    store.kv().update(pending.id, text, stored.revision);
  } catch (const Error& e) {
    spdlog::warn("job {}: recovery ({}) skipped: {}", pending.id, why, e.what());
    return false;
  }
  try {
    js.publish(bus::request_subject(pending.id), text);
  } catch (const Error& e) {
    spdlog::warn("job {}: reset to pending ({}) but its request was not queued: {}; the "
                 "next recovery scan queues it",
                 pending.id, why, e.what());
    return false;
  }
  spdlog::info("job {}: recovered ({}), queued again", pending.id, why);
  return true;
}

std::vector<bus::KvEntry> list_open_jobs(JobStore& store) {
  return store.kv().list([](const bus::KvEntry& entry) {
    const auto status = model::peek_job_status(entry.value);
    return !status || !model::is_terminal(*status);
  });
}

std::size_t recover_own_jobs(JobStore& store, bus::JetStream& js,
                             const std::string& controller_id) {
  std::size_t recovered = 0;
  for (const auto& entry : list_open_jobs(store)) {
    model::Job job;
    try {
      job = model::parse_job(entry.value);
    } catch (const Error& e) {
      spdlog::warn("recovery: ignoring undecodable job {}: {}", entry.key, e.what());
      continue;
    }
    if (job.status != model::JobStatus::kRunning || job.owner != controller_id) continue;
    if (requeue(store, js, {std::move(job), entry.revision}, "was running on this controller")) {
      ++recovered;
    }
  }
  return recovered;
}

}  // namespace grid::scheduler
