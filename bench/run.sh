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
cmake --build --preset "$preset" --target grid gridw grid_load grid_agents grid_micro natsfloor
exec python3 bench/run.py --build "build/$preset" --preset "$preset" "$@"
