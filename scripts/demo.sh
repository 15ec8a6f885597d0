#!/usr/bin/env bash
# The GRID demo: installs the dependencies, builds (release preset), starts a controller with
# its managed NATS JetStream server and three workers (groups web and db) on loopback with
# temporary state, runs examples/demo.yaml through gridc with live progress, prints the
# per-node results, and stops everything (also on Ctrl-C).
#   scripts/demo.sh          run the demo and stop
#   scripts/demo.sh --keep   leave the cluster running until Ctrl-C, to try gridc by hand
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
keep=false
[ "${1:-}" = "--keep" ] && keep=true

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target grid gridw gridc
source scripts/lib/cluster.sh
trap cluster_stop EXIT
trap 'exit 130' INT TERM
cluster_start "$PWD/build/release/cmd"
gridc=$CLUSTER_GRIDC
"$gridc" node list

echo
echo "== gridc job run -f examples/demo.yaml --wait"
"$gridc" job run -f examples/demo.yaml --wait
echo
"$gridc" job list

if $keep; then
  echo
  echo "== the cluster keeps running; try for example:"
  echo "     export GRID_API=$GRID_API"
  echo "     $gridc job run ping echo message=hello -t group:web --wait"
  echo "   press Ctrl-C to stop it"
  wait "${cluster_pids[0]}"
  exit 0
fi
echo
echo "== stopping the workers and the controller"
