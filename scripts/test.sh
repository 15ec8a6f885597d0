#!/usr/bin/env bash
# Installs the dependencies, builds and runs every test: the developer preset (warnings are
# errors) and the AddressSanitizer+UndefinedBehaviorSanitizer preset. Extra presets can be
# named as arguments, e.g. `scripts/test.sh tsan`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/install-deps.sh
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(default asan)
for preset in "${presets[@]}"; do
  echo "=== preset $preset"
  t0=$SECONDS
  cmake --workflow --preset "$preset"
  echo "=== preset $preset passed in $((SECONDS - t0)) s"
done
