#include "grid/scheduler/admission.hpp"

#include <spdlog/spdlog.h>

#include "grid/bus/error.hpp"
#include "grid/bus/subjects.hpp"
#include "grid/common/error.hpp"
#include "grid/common/job_id.hpp"
#include "grid/common/store_space.hpp"
#include "grid/model/json.hpp"
#include "grid/model/validation.hpp"
#include "grid/scheduler/target_resolution.hpp"

namespace grid::scheduler {
namespace {

SubmitResult refuse(int status, std::string error) {
  return {status, std::move(error), {}};
}

// A 500 for a failed JetStream call, naming a full store: the server then only times out.
SubmitResult refuse_store_error(std::string error, const std::filesystem::path& store_dir) {
  if (!store_dir.empty()) {
    if (auto full = store_space_problem(store_dir)) error += "; " + *full;
  }
  return refuse(500, std::move(error));
}

}  // namespace

Admission::Admission(bus::JetStream& js, JobStore& jobs, ClaimHints& hints,
                     AbandonedJobs& abandoned, bus::KvStore nodes, int max_pending,
                     std::filesystem::path store_dir)
    : js_(js),
      jobs_(jobs),
      hints_(hints),
      abandoned_(abandoned),
      nodes_(std::move(nodes)),
      max_pending_(max_pending),
      store_dir_(std::move(store_dir)) {}

std::uint64_t Admission::queued_requests(std::uint64_t max) {
  const std::string stream(bus::kRequestsStream);
  const auto info = js_.stream_info(stream);
  if (info.messages < max) return info.messages;
  std::uint64_t ack_floor = 0;
  try {
    ack_floor = js_.consumer_info(stream, std::string(bus::kSchedulerDurable)).ack_floor;
  } catch (const bus::NatsError& e) {
    if (!e.is_not_found()) throw;  // no scheduler has started yet: nothing was acknowledged
  }
  if (ack_floor < info.first_sequence) return info.messages;
  spdlog::warn(
      "stream {} still holds requests the scheduler acknowledged (sequences {} to {}); "
      "removing them",
      stream, info.first_sequence, ack_floor);
  js_.purge_below(stream, ack_floor + 1);
  return js_.stream_info(stream).messages;
}

SubmitResult Admission::submit(const model::JobRequest& request) {
  const auto report = model::validate_job_request(request);
  for (const auto& warning : report.warnings) spdlog::warn("job submission: {}", warning);
  if (!report.ok()) return refuse(400, report.errors.front());

  std::vector<std::string> expected;
  try {
    const auto max = static_cast<std::uint64_t>(max_pending_);
    if (queued_requests(max) >= max) return refuse(429, "queue full");
    model::Target target = request.target;
    if (target.scope.empty()) target.scope = "all";
    expected = nodes_.resolve(target, now());
    if (expected.empty()) return refuse(422, "resolving targets: " + no_match_error(target));
  } catch (const Error& e) {
    return refuse_store_error(std::string("admission: ") + e.what(), store_dir_);
  }

  model::Job job = model::new_pending_job(request, new_job_id(), std::move(expected), now());
  const std::string text = model::to_json_text(job);
  if (text.size() > kMaxJobDocument / 2) return refuse(413, "job too large");
  try {
    hints_.remember(job.id, jobs_.kv().create(job.id, text));
  } catch (const Error& e) {
    return refuse_store_error(std::string("creating job: storing job: ") + e.what(), store_dir_);
  }
  try {
    js_.publish(bus::request_subject(job.id), text);
  } catch (const Error& e) {
    try {
      jobs_.kv().erase(job.id);
    } catch (const Error& erase_error) {
      abandoned_.add(job.id);
      spdlog::error("job {}: removing the entry of an unpublished job failed: {}; the recovery "
                    "scan removes it once the store answers",
                    job.id, erase_error.what());
    }
    return refuse_store_error(std::string("publishing request: ") + e.what(), store_dir_);
  }
  return {202, {}, std::move(job)};
}

}  // namespace grid::scheduler
