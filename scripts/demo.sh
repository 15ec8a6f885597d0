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
bin=$PWD/build/release/cmd

work=$(mktemp -d /tmp/grid-demo.XXXXXX)
pids=()
cleanup() {
  # Workers first (they drain and go offline), then the controller (it stops nats-server).
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

api_port=$(( 20000 + RANDOM % 20000 ))
nats_port=$(( api_port + 1 ))
cat >"$work/grid.yaml" <<YAML
nats:
  name: demo-controller
  server: {host: 127.0.0.1, port: $nats_port}
  jetstream: {store: $work/store}
api: {host: 127.0.0.1, port: $api_port}
YAML
export GRID_API=http://127.0.0.1:$api_port

echo "== starting grid (controller + managed nats-server on 127.0.0.1:$nats_port, API $GRID_API)"
"$bin/grid/grid" --config "$work/grid.yaml" >"$work/grid.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  grep -q "ready: NATS" "$work/grid.log" && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/grid.log"; echo "grid exited early"; exit 1; }
  sleep 0.1
done
grep -q "ready: NATS" "$work/grid.log" || { cat "$work/grid.log"; echo "grid not ready"; exit 1; }

for spec in web-1:web web-2:web db-1:db; do
  name=${spec%%:*}
  cat >"$work/$name.yaml" <<YAML
nats:
  name: $name
  client: {urls: ["nats://127.0.0.1:$nats_port"]}
worker: {groups: [${spec##*:}], heartbeat_interval: 5s}
YAML
  "$bin/gridw/gridw" --config "$work/$name.yaml" >"$work/$name.log" 2>&1 &
  pids+=($!)
done

echo "== waiting for the three workers"
for _ in $(seq 300); do
  [ "$("$bin/gridc/gridc" node list -o json 2>/dev/null | grep -c '"online"')" -ge 3 ] && break
  sleep 0.1
done
"$bin/gridc/gridc" node list

echo
echo "== gridc job run -f examples/demo.yaml --wait"
"$bin/gridc/gridc" job run -f examples/demo.yaml --wait
echo
"$bin/gridc/gridc" job list

if $keep; then
  echo
  echo "== the cluster keeps running; try for example:"
  echo "     export GRID_API=$GRID_API"
  echo "     $bin/gridc/gridc job run ping echo message=hello -t group:web --wait"
  echo "   press Ctrl-C to stop it"
  wait "${pids[0]}"
  exit 0
fi
echo
echo "== stopping the workers and the controller"
