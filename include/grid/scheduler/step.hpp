// What a running phase (barrier step §6.5 or pipeline §6.9) needs from the job execution that
// runs it, and what it reports back. Loop thread only, like everything a JobExecution owns.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "grid/common/error.hpp"
#include "grid/loop/event_loop.hpp"
#include "grid/model/job.hpp"
#include "grid/model/target.hpp"
#include "grid/model/task_result.hpp"

namespace grid::scheduler {

// How a phase ended.
struct StepOutcome {
  std::vector<std::string> failed_nodes;  // nodes whose final result is `failed`
  bool aborted = false;                   // a publish failed: the job ends `failed`
};

// Services of the job execution. The execution has written the step start (`step` = the
// phase's first index, BUG-53 rule) before it starts the step. A step calls finish() exactly
// once; after that the execution destroys the step (later, from a task of its own, never
// inside the call).
class StepContext {
 public:
  virtual ~StepContext() = default;
  virtual const model::Job& job() const = 0;
  virtual const std::vector<std::string>& active_nodes() const = 0;
  virtual loop::EventLoop& loop() = 0;
  // Publishes a command without waiting for the stream (CommandPublisher::publish). When it
  // was not stored, `on_failure` runs later on the loop thread, and only while this step is
  // still the running one.
  virtual void publish(const model::Phase& leaf, int flat_index, const model::Target& target,
                       std::function<void(const Error& error)> on_failure) = 0;
  // Replaces results[index][node] in memory; written with the next coalesced write.
  virtual void store_result(int index, const std::string& node, model::NodeResult result) = 0;
  virtual void finish(StepOutcome outcome) = 0;
};

// A running phase. Results of the job are routed to on_result while it runs.
class StepRunner {
 public:
  virtual ~StepRunner() = default;
  virtual void start() = 0;
  virtual void on_result(const model::TaskResult& result) = 0;
  // Stops every timer (pending re-sends, timeouts): nothing more is dispatched (BUG-15).
  virtual void halt() = 0;
};

// The NodeResult stored for a worker's result.
model::NodeResult to_node_result(const model::TaskResult& result, int attempts);
// {"status":"failed","error":"timeout: no result within <T>","duration":"<T>"} (§6.5, BUG-7).
model::NodeResult timeout_result(Duration timeout, int attempts);
// {"status":"skipped","duration":"0s"}
model::NodeResult skipped_result();


}  // namespace grid::scheduler
