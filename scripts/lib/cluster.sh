# A local GRID cluster for scripts (sourced, not run): one controller `grid` with its managed
# nats-server and three workers `gridw` (web-1, web-2 in group web, db-1 in group db), all on
# 127.0.0.1 with free ports and temporary state. Used by scripts/demo.sh and
# scripts/run-examples.sh.
#
#   source scripts/lib/cluster.sh
#   trap cluster_stop EXIT; trap 'exit 130' INT TERM
#   cluster_start build/release/cmd     # exports GRID_API; sets CLUSTER_DIR, CLUSTER_GRIDC
#   cluster_logs                        # the last lines of every log (after a failure)
#   cluster_stop                        # workers first, then the controller; idempotent;
#                                       # returns 1 if a process did not exit with status 0
#
# The caller must trap EXIT with cluster_stop before calling cluster_start, so that no process
# is left behind whatever happens (errors, Ctrl-C, SIGTERM).

CLUSTER_WORKERS=(web-1:web web-2:web db-1:db)
# Debian's python3 first: a python3 shim earlier on PATH (pyenv) can take seconds to start.
PYTHON=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3 || true)}
CLUSTER_DIR=""
CLUSTER_GRIDC=""
cluster_pids=()
cluster_names=()  # the log name of each process in cluster_pids

# Prints a TCP port that is free on 127.0.0.1 right now (the kernel picks it).
cluster_free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# cluster_start BIN_DIR — BIN_DIR holds grid/grid, gridw/gridw and gridc/gridc (a build tree's
# cmd directory). Returns when the API answers and the three workers are online; exits 1
# with the logs otherwise.
cluster_start() {
  local bin=$1 name
  for name in grid/grid gridw/gridw gridc/gridc; do
    if [ ! -x "$bin/$name" ]; then
      echo "cluster: $bin/$name is missing; build it first, e.g." >&2
      echo "  cmake --preset release && cmake --build --preset release --target grid gridw gridc" >&2
      exit 1
    fi
  done
  [ -n "$PYTHON" ] || { echo "cluster: python3 is required (scripts/install-deps.sh)" >&2; exit 1; }
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] ||
    { echo "cluster: nats-server is required (scripts/install-deps.sh)" >&2; exit 1; }
  CLUSTER_GRIDC=$bin/gridc/gridc
  CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/grid-local-cluster.XXXXXX")

  local api_port nats_port
  api_port=$(cluster_free_port)
  nats_port=$(cluster_free_port)
  cat >"$CLUSTER_DIR/grid.yaml" <<YAML
nats:
  name: local-controller
  server: {host: 127.0.0.1, port: $nats_port}
  jetstream: {store: $CLUSTER_DIR/store}
api: {host: 127.0.0.1, port: $api_port}
YAML
  export GRID_API=http://127.0.0.1:$api_port

  echo "cluster: starting grid (managed nats-server on 127.0.0.1:$nats_port, API $GRID_API)"
  "$bin/grid/grid" --config "$CLUSTER_DIR/grid.yaml" >"$CLUSTER_DIR/grid.log" 2>&1 &
  cluster_pids+=($!)
  cluster_names+=(grid)
  local i
  for i in $(seq 300); do
    grep -q "ready: NATS" "$CLUSTER_DIR/grid.log" && break
    if ! kill -0 "${cluster_pids[0]}" 2>/dev/null; then
      cluster_logs; echo "cluster: grid exited during start-up" >&2; exit 1
    fi
    sleep 0.1
  done
  grep -q "ready: NATS" "$CLUSTER_DIR/grid.log" ||
    { cluster_logs; echo "cluster: grid not ready after 30 s" >&2; exit 1; }

  local spec
  for spec in "${CLUSTER_WORKERS[@]}"; do
    name=${spec%%:*}
    cat >"$CLUSTER_DIR/$name.yaml" <<YAML
nats:
  name: $name
  client: {urls: ["nats://127.0.0.1:$nats_port"]}
worker: {groups: [${spec##*:}], heartbeat_interval: 5s}
YAML
    "$bin/gridw/gridw" --config "$CLUSTER_DIR/$name.yaml" >"$CLUSTER_DIR/$name.log" 2>&1 &
    cluster_pids+=($!)
    cluster_names+=("$name")
  done

  echo "cluster: waiting for the workers ${CLUSTER_WORKERS[*]%%:*}"
  local online=0
  for i in $(seq 300); do
    online=$("$CLUSTER_GRIDC" node list -o json 2>/dev/null | cluster_count_online || echo 0)
    [ "$online" -ge ${#CLUSTER_WORKERS[@]} ] && return 0
    sleep 0.1
  done
  cluster_logs
  echo "cluster: only $online of ${#CLUSTER_WORKERS[@]} workers online after 30 s" >&2
  exit 1
}

# Reads `gridc node list -o json` on stdin, prints the number of online nodes.
cluster_count_online() {
  "$PYTHON" 2>/dev/null -c 'import json, sys; print(sum(n.get("status") == "online" for n in json.load(sys.stdin)))'
}

# Prints the last lines of every log of the cluster to stderr.
cluster_logs() {
  [ -n "$CLUSTER_DIR" ] || return 0
  local log
  for log in "$CLUSTER_DIR"/*.log; do
    [ -f "$log" ] || continue
    echo "----- $(basename "$log") (last 30 lines)" >&2
    tail -n 30 "$log" >&2
  done
}

# Stops every process of the cluster (workers first: they drain and go offline; then the
# controller, which stops its nats-server), each with SIGTERM and after 15 s SIGKILL, and
# removes the temporary directory. A process that exits with a status other than 0 (a crash,
# a sanitizer report) is reported with the end of its log, and makes the return status 1.
cluster_stop() {
  local i pid t rc bad=0
  for ((i = ${#cluster_pids[@]} - 1; i >= 0; i--)); do
    pid=${cluster_pids[i]}
    kill -TERM "$pid" 2>/dev/null || true
    for t in $(seq 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -KILL "$pid" 2>/dev/null; then
      echo "cluster: ${cluster_names[i]} (pid $pid) killed: still running 15 s after SIGTERM" >&2
    fi
    rc=0
    wait "$pid" 2>/dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
      bad=1
      echo "cluster: ${cluster_names[i]} exited with status $rc; the end of its log:" >&2
      tail -n 40 "$CLUSTER_DIR/${cluster_names[i]}.log" >&2 || true
    fi
  done
  cluster_pids=()
  cluster_names=()
  if [ -n "$CLUSTER_DIR" ]; then
    rm -rf "$CLUSTER_DIR"
    CLUSTER_DIR=""
  fi
  return $bad
}
