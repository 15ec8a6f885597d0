#!/usr/bin/env bash
# Runs the example jobs (examples/*.yaml) with gridc and checks the outcome each file documents
# in its `# expect:` lines (format: scripts/lib/expect.py). Prints a PASS/FAIL table; exits 1
# if any example failed, 2 for bad usage.
#
#   scripts/run-examples.sh [--api URL] [--bin DIR] [FILE...]
#
#   --api URL   run against a running cluster (default: $GRID_API when set). The examples
#               expect the demo cluster's nodes: web-1, web-2 (group web), db-1 (group db).
#   --bin DIR   the cmd directory of a build tree, holding grid/grid, gridw/gridw and
#               gridc/gridc (default: build/release/cmd). Without --api the script starts its
#               own cluster from these binaries (scripts/lib/cluster.sh) and always stops it.
#               With --api only gridc is used (from DIR, else from PATH).
#   FILE...     job files to run (default: every examples/*.yaml)
#
# Every example runs with `gridc job run -f FILE --wait`, whose exit status must match (0 for
# completed, else 1), except those with `# expect: cancel-after=<d>`: they are submitted
# without waiting, cancelled with `gridc job cancel` after <d>, followed until terminal, and
# run after all the others.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; }
die() { echo "run-examples: error: $*" >&2; exit 2; }

api=${GRID_API:-}
bin=$root/build/release/cmd
files=()
while [ $# -gt 0 ]; do
  case $1 in
    --api) [ $# -ge 2 ] && [ -n "$2" ] || die "--api needs a URL"; api=$2; shift 2 ;;
    --api=*) api=${1#--api=}; [ -n "$api" ] || die "--api needs a URL"; shift ;;
    --bin) [ $# -ge 2 ] && [ -n "$2" ] || die "--bin needs a directory"; bin=$2; shift 2 ;;
    --bin=*) bin=${1#--bin=}; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) files+=("$1"); shift ;;
  esac
done
[ ${#files[@]} -gt 0 ] || files=("$root"/examples/*.yaml)
for f in "${files[@]}"; do
  [ -f "$f" ] && [ -r "$f" ] || die "no such job file: $f"
done
source "$root/scripts/lib/cluster.sh"
[ -n "$PYTHON" ] || die "python3 is required (bash scripts/install-deps.sh installs it)"
command -v timeout >/dev/null || die "timeout (coreutils) is required"
expect=("$PYTHON" "$root/scripts/lib/expect.py")
# Bad expectation lines are usage errors: report them all before starting anything.
plans=$("${expect[@]}" show "${files[@]}") || die "fix the expectations above"
mapfile -t plans <<<"$plans"

trap cluster_stop EXIT
trap 'exit 130' INT TERM
if [ -n "$api" ]; then
  export GRID_API=$api
  if [ -x "$bin/gridc/gridc" ]; then gridc=$bin/gridc/gridc
  elif command -v gridc >/dev/null; then gridc=$(command -v gridc)
  else die "gridc not found in $bin/gridc or on PATH (use --bin)"; fi
  "$gridc" status >/dev/null || die "no controller answers at $api"
else
  cluster_start "$bin"
  gridc=$CLUSTER_GRIDC
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/grid-examples.XXXXXX")
trap 'cluster_stop; rm -rf "$work"' EXIT

# Follows job $1 until it is terminal (at most 60 s).
wait_terminal() {
  local i
  for i in $(seq 120); do
    "$gridc" job get "$1" -o json >"$work/job.json" || return 1
    grep -Eq '^  "status": "(completed|failed|cancelled)"' "$work/job.json" && return 0
    sleep 0.5
  done
  echo "job $1 not terminal after 60 s" >&2
  return 1
}

# run_one FILE PLAN: runs one example (PLAN is its line of `expect.py show`); prints problems
# on stdout (nothing when it passed) and the job's final status on fd 3.
run_one() {
  local file=$1 want cancel out rc id
  read -r want cancel < <(sed 's/status=\([^ ]*\) cancel-after=\(.*\)/\1 \2/' <<<"$2")
  if [ -z "$cancel" ]; then
    out=$(timeout 180 "$gridc" job run -f "$file" --wait 2>&1) && rc=0 || rc=$?
  else
    out=$("$gridc" job run -f "$file" 2>&1) && rc=0 || rc=$?
  fi
  id=$(sed -n 's/^Job \([^ ]*\) submitted.*/\1/p' <<<"$out" | head -n 1)
  if [ -z "$id" ]; then
    echo "gridc job run exited $rc without submitting a job:"
    sed 's/^/  | /' <<<"$out"
    return
  fi
  if [ -z "$cancel" ]; then
    local want_rc=1
    [ "$want" = completed ] && want_rc=0
    if [ "$rc" -eq 124 ]; then
      echo "gridc job run --wait did not finish within 180 s"
      return
    fi
    [ "$rc" -eq "$want_rc" ] || echo "gridc job run --wait exited $rc (expected $want_rc for $want)"
  else
    [ "$rc" -eq 0 ] || { echo "gridc job run exited $rc:"; sed 's/^/  | /' <<<"$out"; return; }
    sleep "$cancel"
    "$gridc" job cancel "$id" >"$work/cancel.out" 2>&1 ||
      { echo "gridc job cancel $id failed:"; sed 's/^/  | /' "$work/cancel.out"; }
    wait_terminal "$id" || { echo "cannot follow job $id"; return; }
  fi
  "$gridc" job get "$id" -o json >"$work/final.json" || { echo "gridc job get $id failed"; return; }
  "${expect[@]}" check "$file" "$work/final.json" >"$work/check.out" || true
  sed -n '1s/^status=//p' "$work/check.out" >&3
  sed 1d "$work/check.out"
}

printf '%-26s %-6s %-10s %7s  %s\n' EXAMPLE RESULT STATUS TIME DETAIL >"$work/table"
failed=0
# Examples that cancel a job run last: their workers keep running the cancelled command for
# a while (workers are not told), which would only delay the examples after them.
order=()
for i in "${!files[@]}"; do [[ ${plans[i]} == *"cancel-after=" ]] && order+=("$i"); done
for i in "${!files[@]}"; do [[ ${plans[i]} == *"cancel-after=" ]] || order+=("$i"); done
for i in "${order[@]}"; do
  f=${files[i]}
  name=$(basename "$f" .yaml)
  echo "== $name"
  t0=$(date +%s%N)
  : >"$work/status"
  problems=$(run_one "$f" "${plans[i]}" 3>"$work/status")
  ms=$((($(date +%s%N) - t0) / 1000000))
  secs=$((ms / 1000)).$((ms % 1000 / 100))s
  status=$(cat "$work/status")
  if [ -z "$problems" ]; then
    result=PASS
  else
    result=FAIL
    failed=$((failed + 1))
    sed 's/^/   /' <<<"$problems"
  fi
  printf '%-26s %-6s %-10s %7s  %s\n' "$name" "$result" "${status:--}" "$secs" \
    "$(head -n 1 <<<"$problems")" >>"$work/table"
done

echo
cat "$work/table"
echo
status=0
if [ $failed -gt 0 ]; then
  [ -z "$api" ] && cluster_logs
  echo "run-examples: $failed of ${#files[@]} examples FAILED"
  status=1
fi
if [ -z "$api" ]; then
  # Our own cluster must also stop cleanly (no crash or sanitizer report at shutdown).
  if cluster_stop; then
    echo "run-examples: the cluster stopped cleanly"
  else
    echo "run-examples: FAILED: a cluster process did not exit with status 0 (see above)"
    status=1
  fi
fi
[ $status -ne 0 ] || echo "run-examples: all ${#files[@]} examples passed"
exit $status
