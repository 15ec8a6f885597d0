// Validation of a submitted job (SPEC §3.1–§3.3, §10.3 steps 2–4, BUG-19, BUG-16).
#pragma once

#include <string>
#include <vector>

#include "grid/model/job.hpp"

namespace grid::model {

struct ValidationReport {
  // Every problem, in the order POST /job reports them: "at least one task is required";
  // then the structural phase rules of §3.2 in list order (one per phase, e.g.
  // "phase[1]: leaf phase missing action"); then the C++ rules: target scope/value,
  // per-phase condition, timeout, max_retries and backend/action tokens in list order
  // (e.g. "phase[0]: invalid condition \"sometimes\""), strategy and job timeout.
  // The API answers 400 with errors.front().
  std::vector<std::string> errors{};
  // Non-fatal findings to log at submission, e.g. conditions on pipeline sub-phases, which
  // are ignored (BUG-16).
  std::vector<std::string> warnings{};

  bool ok() const { return errors.empty(); }
};

ValidationReport validate_job_request(const JobRequest& request);

}  // namespace grid::model
