// Jobs (SPEC §3.3, §10.3): the submitted request and the stored document (KV `jobs/<id>`,
// API responses, `request.<id>` messages).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "grid/common/timestamp.hpp"
#include "grid/model/job_status.hpp"
#include "grid/model/node_result.hpp"
#include "grid/model/phase.hpp"
#include "grid/model/strategy.hpp"
#include "grid/model/target.hpp"

namespace grid::model {

// The body of POST /job and the content of a YAML job file, exactly as sent (not validated,
// no defaults applied).
struct JobRequest {
  Target target{};
  std::vector<Phase> tasks{};
  std::string strategy{};
  std::string timeout{};

  bool operator==(const JobRequest&) const = default;
};

// results[flat step index][node ID]
using StepResults = std::map<std::string, NodeResult>;
using Results = std::map<int, StepResults>;

struct Job {
  std::string id{};
  Target target{};
  std::vector<Phase> tasks{};
  Strategy strategy = Strategy::kFailFast;
  std::string timeout{};  // whole-job timeout text; "" = none
  JobStatus status = JobStatus::kPending;
  int step = 0;
  std::vector<std::string> expected{};
  Results results{};
  std::string owner{};
  Timestamp created_at{};
  Timestamp updated_at{};

  bool operator==(const Job&) const = default;
};

// Builds the job stored at admission (§6.1 step 3) from a request that passed
// validate_job_request: empty scope → "all", empty strategy → fail-fast, status pending,
// step 0, created_at = updated_at = `now`. Throws grid::Error if the strategy is invalid.
Job new_pending_job(JobRequest request, std::string id, std::vector<std::string> expected,
                    Timestamp now);

// Strict decoding of a POST /job body; unknown keys (including Job-only ones) are ignored.
JobRequest decode_job_request(const nlohmann::json& json);
// parse_json + decode_job_request.
JobRequest parse_job_request(std::string_view text);

// Field order and omission rules of §3.3; result keys in Go's order (sorted as strings).
OrderedJson encode(const Job& job);

// Strict decoding of a stored job: unknown status/strategy, bad timestamps, non-numeric
// result keys or wrong types throw grid::Error naming the path. Missing keys keep defaults.
Job decode_job(const nlohmann::json& json);
// parse_json + decode_job.
Job parse_job(std::string_view text);

}  // namespace grid::model
