#include "grid/scheduler/barrier_step.hpp"

#include <spdlog/spdlog.h>

#include "grid/scheduler/backoff.hpp"

namespace grid::scheduler {

BarrierStep::BarrierStep(StepContext& context, const model::Phase& leaf, int flat_index)
    : context_(context),
      leaf_(leaf),
      index_(flat_index),
      timeout_(model::effective_timeout(leaf)),
      max_attempts_(1 + static_cast<int>(leaf.max_retries)),
      timeout_timer_(context.loop(), [this] { on_timeout(); }),
      backoff_timer_(context.loop(), [this] { dispatch(failed_nodes_of_attempt_); }) {}

void BarrierStep::start() {
  dispatch(context_.active_nodes());
}

void BarrierStep::dispatch(const std::vector<std::string>& nodes) {
  const int attempt = ++attempt_;
  const auto& job = context_.job();
  dispatched_at_ = now();
  auto on_failure = [this, attempt](const Error& e) {
    if (attempt != attempt_) return;  // an earlier attempt's command; this one went out
    spdlog::warn("job {}: publishing step {} failed: {}", context_.job().id, index_, e.what());
    halt();
    context_.finish(StepOutcome{{}, true});
  };
  if (attempt == 1 && context_.active_nodes() == job.expected) {
    context_.publish(leaf_, index_, job.target, on_failure);
  } else {
    for (const auto& node : nodes) {
      context_.publish(leaf_, index_, model::Target{"node", node}, on_failure);
    }
  }
  awaiting_.clear();
  for (const auto& node : nodes) {
    awaiting_.insert(node);
    ++node_attempts_[node];
  }
  timeout_timer_.start(timeout_);
}

void BarrierStep::on_result(const model::TaskResult& result) {
  if (result.task_index != index_ || result.timestamp < dispatched_at_) return;
  if (awaiting_.erase(result.node_id) == 0) return;
  latest_[result.node_id] = to_node_result(result, node_attempts_[result.node_id]);
  if (awaiting_.empty()) attempt_done();
}

void BarrierStep::on_timeout() {
  for (const auto& node : awaiting_) latest_[node] = timeout_result(timeout_, node_attempts_[node]);
  awaiting_.clear();
  attempt_done();
}

void BarrierStep::attempt_done() {
  timeout_timer_.stop();
  failed_nodes_of_attempt_.clear();
  for (const auto& node : context_.active_nodes()) {
    const auto it = latest_.find(node);
    if (it != latest_.end() && it->second.status == model::NodeResultStatus::kFailed) {
      failed_nodes_of_attempt_.push_back(node);
    }
  }
  if (!failed_nodes_of_attempt_.empty() && attempt_ < max_attempts_) {
    backoff_timer_.start(retry_backoff(attempt_));
    return;
  }
  for (const auto& node : context_.active_nodes()) {
    const auto it = latest_.find(node);
    if (it != latest_.end()) context_.store_result(index_, node, it->second);
  }
  context_.finish(StepOutcome{failed_nodes_of_attempt_, false});
}

void BarrierStep::halt() {
  timeout_timer_.stop();
  backoff_timer_.stop();
  awaiting_.clear();
}

}  // namespace grid::scheduler
