#include "grid/model/validation.hpp"

#include "grid/common/token.hpp"
#include "grid/model/condition.hpp"
#include "quote.hpp"

namespace grid::model {
namespace {

constexpr int kMaxPhaseDepth = 2;
constexpr std::int64_t kMaxRetries = 100;

std::string top_prefix(std::size_t index) {
  return "phase[" + std::to_string(index) + "]: ";
}

std::string child_prefix(const std::string& prefix, std::size_t index) {
  return prefix + "tasks[" + std::to_string(index) + "]: ";
}

// The Go rules of §3.2: at most one problem per phase; children of a malformed phase are not
// examined.
void check_structure(const Phase& phase, int depth, const std::string& prefix,
                     std::vector<std::string>& errors) {
  if (depth >= kMaxPhaseDepth) {
    errors.push_back(prefix + "phase nesting exceeds maximum depth of 2");
    return;
  }
  const bool leaf_fields = !phase.backend.empty() || !phase.action.empty();
  if (leaf_fields && is_branch(phase)) {
    errors.push_back(prefix + "phase cannot be both a leaf (backend/action) and a branch (tasks)");
  } else if (!leaf_fields && !is_branch(phase)) {
    errors.push_back(prefix + "phase must be either a leaf (backend/action) or a branch (tasks)");
  } else if (phase.backend.empty() && !phase.action.empty()) {
    errors.push_back(prefix + "leaf phase missing backend");
  } else if (phase.action.empty() && !phase.backend.empty()) {
    errors.push_back(prefix + "leaf phase missing action");
  } else {
    for (std::size_t i = 0; i < phase.tasks.size(); ++i) {
      check_structure(phase.tasks[i], depth + 1, child_prefix(prefix, i), errors);
    }
  }
}

bool is_valid_task_timeout(const std::string& text) {
  const auto timeout = parse_duration(text);
  return timeout && timeout->count() > 0;
}

// The C++ rules of §3.2 (BUG-19) and the sub-phase condition warning (BUG-16).
void check_fields(const Phase& phase, int depth, const std::string& prefix,
                  ValidationReport& report) {
  if (depth >= kMaxPhaseDepth) return;
  if (!parse_condition(phase.condition)) {
    report.errors.push_back(prefix + "invalid condition " + quote(phase.condition));
  } else if (depth > 0 && !phase.condition.empty()) {
    report.warnings.push_back(prefix + "condition " + quote(phase.condition) +
                              " on a pipeline sub-phase is ignored");
  }
  if (!phase.timeout.empty() && !is_valid_task_timeout(phase.timeout)) {
    report.errors.push_back(prefix + "invalid timeout " + quote(phase.timeout));
  }
  if (phase.max_retries < 0 || phase.max_retries > kMaxRetries) {
    report.errors.push_back(prefix + "invalid max_retries " + std::to_string(phase.max_retries) +
                            ": must be between 0 and 100");
  }
  if (!phase.backend.empty() && !is_valid_token(phase.backend)) {
    report.errors.push_back(prefix + "invalid backend " + quote(phase.backend));
  }
  if (!phase.action.empty() && !is_valid_token(phase.action)) {
    report.errors.push_back(prefix + "invalid action " + quote(phase.action));
  }
  for (std::size_t i = 0; i < phase.tasks.size(); ++i) {
    check_fields(phase.tasks[i], depth + 1, child_prefix(prefix, i), report);
  }
}

void check_target(const Target& target, std::vector<std::string>& errors) {
  if (target.scope.empty() || target.scope == "all") return;
  if (target.scope != "group" && target.scope != "node") {
    errors.push_back("invalid target scope " + quote(target.scope));
  } else if (target.value.empty()) {
    errors.push_back("target value is required for scope " + quote(target.scope));
  } else if (!is_valid_token(target.value)) {
    errors.push_back("invalid target value " + quote(target.value) + " for scope " +
                     quote(target.scope));
  }
}

}  // namespace

ValidationReport validate_job_request(const JobRequest& request) {
  ValidationReport report;
  if (request.tasks.empty()) report.errors.emplace_back("at least one task is required");
  for (std::size_t i = 0; i < request.tasks.size(); ++i) {
    check_structure(request.tasks[i], 0, top_prefix(i), report.errors);
  }
  check_target(request.target, report.errors);
  for (std::size_t i = 0; i < request.tasks.size(); ++i) {
    check_fields(request.tasks[i], 0, top_prefix(i), report);
  }
  if (!parse_strategy(request.strategy)) {
    report.errors.push_back("invalid strategy " + quote(request.strategy));
  }
  if (!request.timeout.empty() && !parse_duration(request.timeout)) {
    report.errors.push_back("invalid timeout " + quote(request.timeout));
  }
  return report;
}

}  // namespace grid::model
