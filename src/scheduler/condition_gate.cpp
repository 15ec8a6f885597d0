#include "grid/scheduler/condition_gate.hpp"

namespace grid::scheduler {

bool phase_runs(model::Condition condition, bool fail_fast_triggered, bool step_failed) {
  switch (condition) {
    case model::Condition::kOnFailure:
      return fail_fast_triggered || step_failed;
    case model::Condition::kOnSuccess:
      return !fail_fast_triggered && !step_failed;
    case model::Condition::kAlways:
      break;
  }
  return !fail_fast_triggered;
}

}  // namespace grid::scheduler
