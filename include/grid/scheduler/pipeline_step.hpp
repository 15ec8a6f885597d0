// A pipeline phase (SPEC §6.9): every active node walks the branch's leaves on its own,
// node-scoped (cmd.node.<id>.…), sub-step k having flat index start + k.
//
// Each sub-step has its own timeout (default 5 min) per node; a silent node counts as a
// failed result `timeout: no result within <T>` (BUG-16). Failures are retried after the
// backoff of §6.6 to that node only, up to the sub-step's max_retries; a final failure
// stops the node (`continue`: its later sub-steps are `skipped`) or, under `fail-fast`,
// every unfinished node (skipped from its own current sub-step on, BUG-18). Pending re-sends
// and timeouts die with the pipeline (BUG-15). Acceptance: the node's current sub-step, a
// result awaited and published after that node's latest dispatch (BUG-1). A command the
// `commands` stream does not store fails that node (nothing stored for it); on a node's very
// first dispatch it ends the pipeline as aborted (§6.9 step 2: the job fails).
// Loop thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "grid/loop/event_loop.hpp"
#include "grid/scheduler/step.hpp"

namespace grid::scheduler {

class PipelineStep : public StepRunner {
 public:
  PipelineStep(StepContext& context, const model::Phase& branch, int start_index);

  void start() override;
  void on_result(const model::TaskResult& result) override;
  void halt() override;

 private:
  struct NodeState {
    std::size_t current = 0;
    int retries = 0;
    bool awaiting = false;
    bool done = false;
    bool failed = false;
    std::uint64_t dispatches = 0;  // identifies the latest dispatch to this node
    Timestamp dispatched_at{};
    std::unique_ptr<loop::Timer> timeout_timer;
    std::unique_ptr<loop::Timer> backoff_timer;
  };

  void dispatch(const std::string& node);
  void on_publish_failed(const std::string& node, std::uint64_t dispatch, const Error& error);
  void on_node_result(const std::string& node, model::NodeResult result);
  void fail_node(const std::string& node, NodeState& state);
  void skip_rest(const std::string& node, std::size_t from);
  void finish_if_done();

  StepContext& context_;
  const std::vector<model::Phase>& leaves_;
  int start_;
  std::map<std::string, NodeState> nodes_;
  bool finished_ = false;
};

}  // namespace grid::scheduler
