// The condition gate of the phase walker (SPEC §6.4): whether a top-level phase runs.
// Pure; thread-safe.
#pragma once

#include "grid/model/condition.hpp"

namespace grid::scheduler {

// fail-fast triggered: only on_failure runs; otherwise always runs, on_success runs while no
// step failed, on_failure runs once a step failed. Unknown condition text (rejected at
// admission) behaves like `always`.
bool phase_runs(model::Condition condition, bool fail_fast_triggered, bool step_failed);

}  // namespace grid::scheduler
