#!/usr/bin/env bash
# Checks the container files without a Docker engine (CI has none, so the image is NOT built):
#   1. docker-compose.yml is valid for Debian's docker-compose (installed when missing) and
#      every file it bind-mounts exists;
#   2. every Debian package the Dockerfile installs exists in Debian 12 (apt-cache policy shows
#      a candidate), and the build stage installs every -dev package of scripts/install-deps.sh
#      except the test-only ones.
# Run as root (or with sudo) on Debian 12; exits 1 on the first failed check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fail() { echo "check-containers: FAIL: $*" >&2; exit 1; }
for f in Dockerfile docker-compose.yml scripts/install-deps.sh; do
  [ -f "$f" ] || fail "$f is missing"
done
command -v apt-cache >/dev/null || fail "apt-cache not found: this check needs Debian 12"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
apt_updated=false
apt_update() {
  $apt_updated && return 0
  $sudo apt-get update -q >/dev/null
  apt_updated=true
}
if ! command -v docker-compose >/dev/null; then
  echo "check-containers: installing docker-compose (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt_update
  $sudo apt-get install -y -q --no-install-recommends docker-compose >/dev/null
fi
# docker-compose's own interpreter has PyYAML (a dependency of the package).
python=/usr/bin/python3
[ -x "$python" ] || fail "/usr/bin/python3 not found"

# 1. Compose file. `config` only parses and resolves: no engine is contacted (DOCKER_HOST is
# cleared anyway so that a stray value cannot matter).
resolved=$(env -u DOCKER_HOST docker-compose -f docker-compose.yml config) ||
  fail "docker-compose -f docker-compose.yml config rejected the file"
mounts=$("$python" -c '
import sys, yaml
doc = yaml.safe_load(sys.stdin)
for name, svc in doc["services"].items():
    for v in svc.get("volumes", []):
        src = v.split(":")[0] if isinstance(v, str) else v.get("source", "")
        if src.startswith("/"):
            print(name, src)
' <<<"$resolved")
while read -r service src; do
  [ -n "$src" ] || continue
  [ -e "$src" ] || fail "service $service bind-mounts $src, which does not exist"
done <<<"$mounts"
echo "check-containers: docker-compose.yml is valid ($(grep -c . <<<"$mounts") bind mounts exist)"

# 2. Packages: the `apt-get install` lists of one Dockerfile stage (continuation lines
# joined); the stage without an `AS` name is called "runtime".
dockerfile_packages() {
  "$python" - "$1" <<'PY'
import re, sys
text = open("Dockerfile").read().replace("\\\n", " ")
stages, current = {}, None
for line in text.splitlines():
    if line.lstrip().startswith("#"):
        continue
    m = re.match(r"\s*FROM\s+\S+(?:\s+AS\s+(\S+))?", line, re.I)
    if m:
        current = m.group(1) or "runtime"
        stages.setdefault(current, [])
        continue
    for cmd in re.findall(r"apt-get install ([^&;]*)", line):
        stages[current] += [w for w in cmd.split() if not w.startswith("-")]
print(" ".join(stages.get(sys.argv[1], [])))
PY
}
read -r -a build_pkgs <<<"$(dockerfile_packages build)"
read -r -a runtime_pkgs <<<"$(dockerfile_packages runtime)"
[ ${#build_pkgs[@]} -gt 0 ] || fail "no apt-get install found in the Dockerfile's build stage"
[ ${#runtime_pkgs[@]} -gt 0 ] || fail "no apt-get install found in the Dockerfile's runtime stage"

# Prints "<package> <candidate>" for each package (one apt-cache call; "(none)" when absent).
candidates() {
  apt-cache policy "$@" 2>/dev/null | awk '/^[^ ]/ {p = $1; sub(/:$/, "", p)} /^ *Candidate:/ {print p, $2}'
}
# Without package lists (before any apt-get update) nothing has a candidate: update once.
candidates "${build_pkgs[0]}" | grep -qv ' (none)$' || apt_update
found=$(candidates "${build_pkgs[@]}" "${runtime_pkgs[@]}" | awk '$2 != "(none)" {print $1}')
missing=()
for p in "${build_pkgs[@]}" "${runtime_pkgs[@]}"; do
  grep -qxF "$p" <<<"$found" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || fail "the Dockerfile installs packages Debian does not have: ${missing[*]}"
echo "check-containers: all ${#build_pkgs[@]} build and ${#runtime_pkgs[@]} runtime packages exist"

# The build stage must keep up with scripts/install-deps.sh (packages only tests, benchmarks
# and fuzzing use excepted).
for p in $(grep -o '[a-z0-9.+-]*-dev\b' scripts/install-deps.sh | sort -u); do
  case "$p" in libgtest-dev | libbenchmark-dev | libclang-rt-14-dev) continue ;; esac
  [[ " ${build_pkgs[*]} " == *" $p "* ]] || fail "install-deps.sh installs $p but the Dockerfile build stage does not"
done
echo "check-containers: passed (the image itself is not built: no Docker engine here)"
