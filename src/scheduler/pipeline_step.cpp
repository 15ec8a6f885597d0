#include "grid/scheduler/pipeline_step.hpp"

#include <spdlog/spdlog.h>

#include "grid/scheduler/backoff.hpp"

namespace grid::scheduler {

PipelineStep::PipelineStep(StepContext& context, const model::Phase& branch, int start_index)
    : context_(context), leaves_(branch.tasks), start_(start_index) {}

void PipelineStep::start() {
  for (const auto& node : context_.active_nodes()) {
    auto& state = nodes_[node];
    state.timeout_timer = std::make_unique<loop::Timer>(context_.loop(), [this, node] {
      auto& s = nodes_.at(node);
      s.awaiting = false;
      const auto timeout = model::effective_timeout(leaves_[s.current]);
      on_node_result(node, timeout_result(timeout, s.retries + 1));
    });
    state.backoff_timer =
        std::make_unique<loop::Timer>(context_.loop(), [this, node] { dispatch(node); });
  }
  for (const auto& node : context_.active_nodes()) dispatch(node);
}

void PipelineStep::dispatch(const std::string& node) {
  auto& state = nodes_.at(node);
  const auto& leaf = leaves_[state.current];
  const std::uint64_t dispatch = ++state.dispatches;
  state.dispatched_at = now();
  state.awaiting = true;
  state.timeout_timer->start(model::effective_timeout(leaf));
  context_.publish(leaf, start_ + static_cast<int>(state.current), model::Target{"node", node},
                   [this, node, dispatch](const Error& e) { on_publish_failed(node, dispatch, e); });
}

void PipelineStep::on_publish_failed(const std::string& node, std::uint64_t dispatch,
                                     const Error& error) {
  auto& state = nodes_.at(node);
  if (finished_ || state.done || state.dispatches != dispatch) return;  // superseded
  spdlog::warn("job {}: publishing pipeline step {} to {} failed: {}", context_.job().id,
               start_ + static_cast<int>(state.current), node, error.what());
  if (dispatch == 1) {  // the node's first command of this pipeline (§6.9 step 2)
    halt();
    finished_ = true;
    context_.finish(StepOutcome{{}, true});
    return;
  }
  state.awaiting = false;
  state.timeout_timer->stop();
  state.backoff_timer->stop();
  state.done = state.failed = true;  // nothing stored (§6.9)
  finish_if_done();
}

void PipelineStep::on_result(const model::TaskResult& result) {
  const auto it = nodes_.find(result.node_id);
  if (finished_ || it == nodes_.end()) return;
  auto& state = it->second;
  if (state.done || !state.awaiting || result.timestamp < state.dispatched_at ||
      result.task_index != start_ + static_cast<int>(state.current)) {
    return;
  }
  state.awaiting = false;
  state.timeout_timer->stop();
  on_node_result(result.node_id, to_node_result(result, state.retries + 1));
}

void PipelineStep::on_node_result(const std::string& node, model::NodeResult result) {
  auto& state = nodes_.at(node);
  const int index = start_ + static_cast<int>(state.current);
  if (result.status == model::NodeResultStatus::kFailed) {
    if (state.retries < leaves_[state.current].max_retries) {
      ++state.retries;
      state.backoff_timer->start(retry_backoff(state.retries));
      return;
    }
    context_.store_result(index, node, std::move(result));
    fail_node(node, state);
  } else {
    context_.store_result(index, node, std::move(result));
    state.retries = 0;
    if (++state.current == leaves_.size()) {
      state.done = true;
    } else {
      dispatch(node);
    }
  }
  finish_if_done();
}

void PipelineStep::fail_node(const std::string& node, NodeState& state) {
  state.done = state.failed = true;
  if (context_.job().strategy != model::Strategy::kFailFast) {
    skip_rest(node, state.current + 1);
    return;
  }
  for (auto& [other, other_state] : nodes_) {
    if (other_state.done) continue;
    other_state.done = other_state.failed = true;
    other_state.awaiting = false;
    other_state.timeout_timer->stop();
    other_state.backoff_timer->stop();
    skip_rest(other, other_state.current);
  }
}

void PipelineStep::skip_rest(const std::string& node, std::size_t from) {
  for (std::size_t k = from; k < leaves_.size(); ++k) {
    context_.store_result(start_ + static_cast<int>(k), node, skipped_result());
  }
}

void PipelineStep::finish_if_done() {
  if (finished_) return;
  for (const auto& [node, state] : nodes_) {
    if (!state.done) return;
  }
  halt();
  finished_ = true;
  StepOutcome outcome;
  for (const auto& [node, state] : nodes_) {
    if (state.failed) outcome.failed_nodes.push_back(node);
  }
  context_.finish(std::move(outcome));
}

void PipelineStep::halt() {
  for (auto& [node, state] : nodes_) {
    state.awaiting = false;
    if (state.timeout_timer) state.timeout_timer->stop();
    if (state.backoff_timer) state.backoff_timer->stop();
  }
}

}  // namespace grid::scheduler
