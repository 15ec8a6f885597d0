#include "grid/scheduler/admission.hpp"

#include <spdlog/spdlog.h>

#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/common/job_id.hpp"
#include "grid/model/json.hpp"
#include "grid/model/validation.hpp"
#include "grid/scheduler/target_resolution.hpp"

namespace grid::scheduler {
namespace {

SubmitResult refuse(int status, std::string error) {
  return {status, std::move(error), {}};
}

}  // namespace

Admission::Admission(bus::JetStream& js, JobStore& jobs, ClaimHints& hints, bus::KvStore nodes,
                     int max_pending)
    : js_(js), jobs_(jobs), hints_(hints), nodes_(std::move(nodes)), max_pending_(max_pending) {}

SubmitResult Admission::submit(const model::JobRequest& request) {
  const auto report = model::validate_job_request(request);
  for (const auto& warning : report.warnings) spdlog::warn("job submission: {}", warning);
  if (!report.ok()) return refuse(400, report.errors.front());

  std::vector<std::string> expected;
  try {
    const auto queued = js_.stream_info(std::string(bus::kRequestsStream)).messages;
    if (queued >= static_cast<std::uint64_t>(max_pending_)) return refuse(429, "queue full");
    model::Target target = request.target;
    if (target.scope.empty()) target.scope = "all";
    expected = nodes_.resolve(target, now());
    if (expected.empty()) return refuse(422, "resolving targets: " + no_match_error(target));
  } catch (const Error& e) {
    return refuse(500, std::string("admission: ") + e.what());
  }

  model::Job job = model::new_pending_job(request, new_job_id(), std::move(expected), now());
  const std::string text = model::to_json_text(job);
  if (text.size() > kMaxJobDocument / 2) return refuse(413, "job too large");
  try {
    hints_.remember(job.id, jobs_.kv().create(job.id, text));
  } catch (const Error& e) {
    return refuse(500, std::string("creating job: storing job: ") + e.what());
  }
  try {
    js_.publish(bus::request_subject(job.id), text);
  } catch (const Error& e) {
    try {
      jobs_.kv().erase(job.id);
    } catch (const Error& erase_error) {
      spdlog::error("job {}: removing the entry of an unpublished job failed: {}", job.id,
                    erase_error.what());
    }
    return refuse(500, std::string("publishing request: ") + e.what());
  }
  return {202, {}, std::move(job)};
}

}  // namespace grid::scheduler
