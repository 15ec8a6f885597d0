#!/usr/bin/env bash
# Installs exactly what GRID needs to build, test and run, from Debian 12 packages.
# Idempotent: packages already present are left alone. Run as root (or with sudo).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git ca-certificates
  libnats-dev libuv1-dev libcpp-httplib-dev nlohmann-json3-dev libyaml-cpp-dev
  libspdlog-dev libcli11-dev libgtest-dev libbenchmark-dev libssl-dev openssl
  nats-server curl procps python3
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
