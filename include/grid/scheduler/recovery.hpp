// Start-up recovery of this controller's own orphans (SPEC §6.15, BUG-11): jobs stored as
// `running` and owned by this controller that are not executing here (after a crash or a
// shutdown, §5.2) go back to the queue and run again from step 0.
#pragma once

#include <cstddef>
#include <string>

#include "grid/bus/jetstream.hpp"
#include "grid/model/job.hpp"
#include "grid/scheduler/job_store.hpp"

namespace grid::scheduler {

// The recovered form of a job: pending, no owner, step 0, no results; everything else kept.
model::Job requeued(model::Job job);

// For every job `running` with owner `controller_id`: CAS it to requeued() (a conflict means
// someone else changed it: skipped) and publish it to request.<id>. Call before pulling
// requests. Returns how many jobs were re-queued; failures are logged per job. Throws
// bus::NatsError when the jobs cannot be listed.
std::size_t recover_own_jobs(JobStore& store, bus::JetStream& js, const std::string& controller_id);

}  // namespace grid::scheduler
