#!/usr/bin/env bash
# The GRID demo: installs the dependencies, builds (release preset), starts a controller with
# its managed NATS JetStream server on loopback with temporary state, shows what it created,
# and stops it cleanly (also on Ctrl-C). Usage: scripts/demo.sh [--keep]
#   --keep   leave the controller running until Ctrl-C
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
keep=false
[ "${1:-}" = "--keep" ] && keep=true

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target grid
GRID=build/release/cmd/grid/grid

work=$(mktemp -d /tmp/grid-demo.XXXXXX)
grid_pid=""
cleanup() {
  if [ -n "$grid_pid" ] && kill -0 "$grid_pid" 2>/dev/null; then
    kill -TERM "$grid_pid"
    wait "$grid_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$work/grid.yaml" <<YAML
nats:
  name: demo-controller
  server: {host: 127.0.0.1, port: -1}
  jetstream: {store: $work/store}
controller: {heartbeat_interval: 5s}
YAML

echo "== starting grid (config $work/grid.yaml)"
"$GRID" --config "$work/grid.yaml" >"$work/grid.log" 2>&1 &
grid_pid=$!

for _ in $(seq 300); do
  grep -q "ready: NATS" "$work/grid.log" && break
  kill -0 "$grid_pid" 2>/dev/null || { cat "$work/grid.log"; echo "grid exited early"; exit 1; }
  sleep 0.1
done
grep -q "ready: NATS" "$work/grid.log" || { cat "$work/grid.log"; echo "grid not ready in 30 s"; exit 1; }
cat "$work/grid.log"

ports=$(ls "$work"/store/*.ports)
monitor=$(grep -o '"monitoring":\["[^"]*' "$ports" | sed 's/.*\["//')
server_pid=$(basename "$ports" .ports | sed 's/.*_//')
echo
echo "== managed nats-server: pid $server_pid, $(grep -o '"nats":\["[^"]*' "$ports" | sed 's/.*\["//')"
echo "== JetStream streams (from $monitor/jsz):"
curl -fsS "$monitor/jsz?streams=true" | grep -o '"name":"[^"]*","created"' | sed 's/"name":"\([^"]*\)".*/   \1/' | sort

if $keep; then
  echo
  echo "== grid is running (pid $grid_pid); press Ctrl-C to stop it"
  wait "$grid_pid"
  exit 0
fi

echo
echo "== stopping grid (SIGTERM)"
kill -TERM "$grid_pid"
status=0
wait "$grid_pid" || status=$?
grid_pid=""
tail -n 3 "$work/grid.log"
if kill -0 "$server_pid" 2>/dev/null; then
  echo "nats-server $server_pid is still running"; exit 1
fi
echo "== grid exited with status $status; nats-server stopped; demo done"
exit "$status"
