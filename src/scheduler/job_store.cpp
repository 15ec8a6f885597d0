#include "grid/scheduler/job_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "grid/model/json.hpp"

namespace grid::scheduler {
namespace {

// Shortens every output longer than `cap` bytes to `cap` bytes plus the suffix.
void cap_outputs(model::Job& job, std::size_t cap) {
  for (auto& [index, step] : job.results) {
    for (auto& [node, result] : step) {
      if (result.output.size() <= cap + kTruncatedSuffix.size()) continue;
      result.output.resize(cap);
      result.output += kTruncatedSuffix;
    }
  }
}

std::size_t longest_output(const model::Job& job) {
  std::size_t longest = 0;
  for (const auto& [index, step] : job.results) {
    for (const auto& [node, result] : step) longest = std::max(longest, result.output.size());
  }
  return longest;
}

}  // namespace

std::optional<StoredJob> JobStore::read(const std::string& id) {
  auto entry = jobs_.get(id);
  if (!entry) return std::nullopt;
  return StoredJob{model::parse_job(entry->value), entry->revision};
}

std::string JobStore::encode_bounded(model::Job& job) {
  std::string text = model::to_json_text(job);
  // Halve the cap until the document fits; outputs are the only unbounded part of a job
  // whose request passed admission.
  for (std::size_t cap = longest_output(job) / 2; text.size() > kMaxJobDocument && cap > 0;
       cap /= 2) {
    cap_outputs(job, cap);
    text = model::to_json_text(job);
  }
  return text;
}

bus::Message JobStore::write_message(StoredJob& stored) {
  stored.job.updated_at = now();
  return jobs_.update_message(stored.job.id, encode_bounded(stored.job), stored.revision);
}

WriteOutcome JobStore::after_write(StoredJob& stored, const bus::PublishAck& ack,
                                   const std::string& owner) {
  if (!ack.error) {
    stored.revision = ack.sequence;
    return WriteOutcome::written;
  }
  if (!ack.error->is_cas_conflict()) {
    spdlog::warn("job {}: write failed: {}", stored.job.id, ack.error->what());
    return WriteOutcome::failed;
  }
  try {
    auto current = read(stored.job.id);
    if (current && current->job.status == model::JobStatus::kCancelled) {
      stored = std::move(*current);
      return WriteOutcome::cancelled_remotely;
    }
    spdlog::warn("job {}: changed by someone else (status {}, owner {}); controller {} stops it",
                 stored.job.id, current ? model::to_string(current->job.status) : "gone",
                 current ? current->job.owner : "", owner);
  } catch (const Error& e) {
    spdlog::warn("job {}: re-read after a write conflict failed: {}", stored.job.id, e.what());
  }
  return WriteOutcome::lost_ownership;
}

}  // namespace grid::scheduler
