// Job status values and their state machine (SPEC §3.10).
#pragma once

#include <optional>
#include <string_view>

namespace grid::model {

enum class JobStatus { kPending, kRunning, kCompleted, kFailed, kCancelled };

// "pending", "running", "completed", "failed", "cancelled".
std::string_view to_string(JobStatus status);
std::optional<JobStatus> parse_job_status(std::string_view text);

// completed, failed and cancelled never change again.
bool is_terminal(JobStatus status);

// True for the transitions of §3.10: pending→running, pending→cancelled, pending→pending
// (stale re-publish), running→completed|failed|cancelled, running→pending (recovery).
bool is_transition_allowed(JobStatus from, JobStatus to);

}  // namespace grid::model
