#include "grid/model/job_status.hpp"

namespace grid::model {

std::string_view to_string(JobStatus status) {
  switch (status) {
    case JobStatus::kPending:
      return "pending";
    case JobStatus::kRunning:
      return "running";
    case JobStatus::kCompleted:
      return "completed";
    case JobStatus::kFailed:
      return "failed";
    case JobStatus::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::optional<JobStatus> parse_job_status(std::string_view text) {
  for (const JobStatus status : {JobStatus::kPending, JobStatus::kRunning, JobStatus::kCompleted,
                                 JobStatus::kFailed, JobStatus::kCancelled}) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

bool is_terminal(JobStatus status) {
  return status == JobStatus::kCompleted || status == JobStatus::kFailed ||
         status == JobStatus::kCancelled;
}

bool is_transition_allowed(JobStatus from, JobStatus to) {
  switch (from) {
    case JobStatus::kPending:
      return to == JobStatus::kRunning || to == JobStatus::kCancelled || to == JobStatus::kPending;
    case JobStatus::kRunning:
      return to != JobStatus::kRunning;
    case JobStatus::kCompleted:
    case JobStatus::kFailed:
    case JobStatus::kCancelled:
      return false;
  }
  return false;
}

}  // namespace grid::model
