#!/usr/bin/env bash
# Builds the `fuzz` preset (clang, libFuzzer + ASan + UBSan) and runs every target in fuzz/
# for a bounded time: `scripts/fuzz.sh [seconds per target]` (default 30). Each target starts
# from a temporary copy of its seed corpus (fuzz/corpus/<target>/; new entries never land in
# the repository). Exits non-zero when any target finds a crash, leak, hang (an input running
# longer than 10 s) or excessive memory use, printing the reproducer path; replay it with
# `build/fuzz/fuzz/<target> <reproducer>`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-30}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
work="$(mktemp -d "${TMPDIR:-/tmp}/grid-fuzz.XXXXXX")"
failed=()
for dir in fuzz/corpus/*/; do
  target="$(basename "$dir")"
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
  cp "$dir"* "$work/$target/corpus/"
  echo "=== fuzz $target for ${seconds} s"
  if "build/fuzz/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" \
      "$work/$target/corpus" >"$work/$target/log" 2>&1; then
    echo "fuzz $target: $(grep -E '^stat::number_of_executed_units' "$work/$target/log" |
      awk '{print $2}') runs, no finding"
  else
    failed+=("$target")
    tail -n 40 "$work/$target/log"
    for reproducer in "$work/$target/artifacts/"*; do
      [ -e "$reproducer" ] && echo "fuzz $target: FAILED, reproducer: $reproducer"
    done
    echo "fuzz $target: FAILED, log: $work/$target/log"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (kept in $work)"
  exit 1
fi
rm -rf "$work"
echo "fuzz: every target ran ${seconds} s without a finding"
