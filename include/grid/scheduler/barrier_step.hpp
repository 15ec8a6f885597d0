// A barrier step (SPEC §6.5–§6.7): one leaf run on every active node; the job moves on only
// when every active node has a final result.
//
// Attempt 1 is broadcast on the job's target subject while the active nodes equal
// `expected`, otherwise one node-scoped command per active node; retries go node-scoped only
// to the nodes whose previous attempt failed (BUG-17). A node silent for the leaf's timeout
// is recorded `failed` with `timeout: no result within <T>` and retried like any failure
// (BUG-7). A result counts only when it is for this step, from a node awaited in the current
// attempt, not yet answered, and published (its `timestamp`) after that node's latest
// dispatch (BUG-1, BUG-2); everything else is ignored. Each node's `attempts` is the number
// of attempts it needed. A command the `commands` stream does not store ends the step as
// aborted (the job fails).
// Loop thread only.
#pragma once

#include <map>
#include <set>
#include <string>

#include "grid/loop/event_loop.hpp"
#include "grid/scheduler/step.hpp"

namespace grid::scheduler {

class BarrierStep : public StepRunner {
 public:
  BarrierStep(StepContext& context, const model::Phase& leaf, int flat_index);

  void start() override;
  void on_result(const model::TaskResult& result) override;
  void halt() override;

 private:
  void dispatch(const std::vector<std::string>& nodes);
  void on_timeout();
  void attempt_done();

  StepContext& context_;
  const model::Phase& leaf_;
  int index_;
  Duration timeout_;
  int max_attempts_;
  int attempt_ = 0;
  Timestamp dispatched_at_{};
  std::set<std::string> awaiting_;            // nodes without a result in this attempt
  std::map<std::string, int> node_attempts_;  // attempts dispatched per node
  std::map<std::string, model::NodeResult> latest_;
  std::vector<std::string> failed_nodes_of_attempt_;  // retried after the backoff
  loop::Timer timeout_timer_;
  loop::Timer backoff_timer_;
};

}  // namespace grid::scheduler
