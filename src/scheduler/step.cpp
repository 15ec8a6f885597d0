#include "grid/scheduler/step.hpp"

namespace grid::scheduler {

model::NodeResult to_node_result(const model::TaskResult& result, int attempts) {
  model::NodeResult node;
  node.status =
      result.failed() ? model::NodeResultStatus::kFailed : model::NodeResultStatus::kSuccess;
  node.output = result.output;
  node.error = result.error;
  node.duration = result.duration;
  node.attempts = attempts > 1 ? attempts : 0;
  return node;
}

model::NodeResult timeout_result(Duration timeout, int attempts) {
  model::NodeResult node;
  node.status = model::NodeResultStatus::kFailed;
  node.error = "timeout: no result within " + format_duration(timeout);
  node.duration = timeout;
  node.attempts = attempts > 1 ? attempts : 0;
  return node;
}

model::NodeResult skipped_result() {
  model::NodeResult node;
  node.status = model::NodeResultStatus::kSkipped;
  return node;
}

}  // namespace grid::scheduler
