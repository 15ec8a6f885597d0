// Recovery of jobs whose execution was lost (SPEC §6.15): the re-queue of one job, and the
// start-up recovery of this controller's own orphans (BUG-11): jobs stored as `running` and
// owned by this controller that are not executing here (after a crash or a shutdown, §5.2)
// go back to the queue and run again from step 0. The periodic scan is recovery_scan.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "grid/bus/jetstream.hpp"
#include "grid/model/job.hpp"
#include "grid/scheduler/job_store.hpp"

namespace grid::scheduler {

// The listing recovery needs: the jobs not terminal, the others skipped by their status alone
// (model::peek_job_status) and not held. An undecodable status is kept (parse_job reports it).
std::vector<bus::KvEntry> list_open_jobs(JobStore& store);

// The recovered form of a job: pending, no owner, step 0, no results; everything else kept.
model::Job requeued(model::Job job);

// CAS `stored` (as listed) to requeued() and publish it to request.<id>; logs
// "job <id>: recovered (<why>), queued again". False (logged) when the CAS fails (someone else
// changed the job since it was read) or the publish fails (the job is then `pending` without a
// request: the scan's rule B finds it again).
bool requeue(JobStore& store, bus::JetStream& js, StoredJob stored, std::string_view why);

// For every job `running` with owner `controller_id`: requeue() it. Call before pulling
// requests. Returns how many jobs were re-queued. Throws bus::NatsError when the jobs cannot
// be listed.
std::size_t recover_own_jobs(JobStore& store, bus::JetStream& js, const std::string& controller_id);

}  // namespace grid::scheduler
