#!/usr/bin/env bash
# The full randomised kill soak (tests/integration/soak_test.cpp): 1,000 jobs over five
# workers while a worker, the managed nats-server and the controller are killed with SIGKILL
# at random moments. `scripts/soak.sh [jobs] [seed]` (defaults: 1000, a random seed that is
# printed: rerun with it to repeat the same job mix and kill schedule). Builds grid, gridw
# and the test in the given preset (GRID_SOAK_PRESET, default `default`), prints the figures
# (jobs accepted and refused and why, terminal statuses, kills of each kind, lost,
# duplicated, recovered re-runs, missing results, wall time) and exits non-zero when an
# assertion failed. GRID_KEEP_CLUSTER=1 keeps every process log for a post-mortem.
# GRID_SOAK_KILL_GAP (mean ms between kills) defaults to 4000 here: with a kill every 2.5 s
# (the CI variant's rate) the controller spends most of its time restarting and recovering.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs="${1:-1000}"
seed="${2:-$(( (RANDOM << 15) | RANDOM ))}"
preset="${GRID_SOAK_PRESET:-default}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j2 --target grid gridw soak_tests
build="build/$preset"
echo "=== soak: $jobs jobs, seed $seed (scripts/soak.sh $jobs $seed repeats it)"
start=$SECONDS
status=0
GRID_BINARY_DIR="$PWD/$build" GRID_SOAK_JOBS="$jobs" GRID_SOAK_SEED="$seed" \
  GRID_SOAK_KINDS="${GRID_SOAK_KINDS:-worker,nats-server,controller}" \
  GRID_SOAK_KILL_GAP="${GRID_SOAK_KILL_GAP:-4000}" \
  "$build/tests/integration/soak_tests" --gtest_brief=1 || status=$?
echo "=== soak: $([ $status -eq 0 ] && echo passed || echo FAILED) in $((SECONDS - start)) s"
exit $status
