#!/usr/bin/env bash
# One command for the whole benchmark suite (bench/README.md): builds the release preset's
# binaries, installs ansible-core for the peer comparison when missing (Debian package), then
# runs bench/run.py. Output: bench/out/results.json and bench/out/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v ansible >/dev/null && [ "${GRID_BENCH_NO_PEER:-0}" != 1 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends ansible-core
fi
preset="${GRID_BENCH_PRESET:-release}"  # the figures in docs/PERFORMANCE.md name their preset
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target grid gridw grid_load grid_agents grid_micro
# The floor is the workplace's own tool, built from where it lives (not copied into GRID).
floor_src="${NATSFLOOR_SRC:-../shared/tools/natsfloor}"
[ -f "$floor_src/natsfloor.cpp" ] || { echo "bench: natsfloor not found at $floor_src (set NATSFLOOR_SRC)" >&2; exit 2; }
cmake -S "$floor_src" -B build/natsfloor -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/natsfloor
exec python3 bench/run.py --build "build/$preset" --preset "$preset" --natsfloor build/natsfloor/natsfloor "$@"
