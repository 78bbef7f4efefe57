#!/usr/bin/env bash
# Start-up of `corem serve` (launch → "Serving …" printed, the site ready), in three cases:
#
#   bench/serve_start.sh [SIZES]          e.g. bench/serve_start.sh "10000 100000"
#
# For each size N, on the generated corpus $WORK/nN-notes (seed 42; made if missing):
#   1. nothing built before: the project's .corem/ and public/ deleted first (serve computes
#      everything, and saves its build cache for the next start);
#   2. after `corem build`, the page cache dropped first (as the next morning: the site and the
#      notes are read from disk; needs root, else it says so and goes on);
#   3. after `corem build`, the page cache warm (serve right after a build).
# Prints `corem -v serve`'s start-up steps, what it read from the built site and the build
# cache, and the process's peak resident memory (VmHWM). A benchmark, not a test: run it on
# an idle machine. COREM=path/to/corem to time another binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
sizes=${1:-"10000"}
work=${WORK:-/tmp/corem-bench}
corem=${COREM:-$repo/target/release/corem}
mkdir -p "$work"
[ -x "$corem" ] || (cd "$repo" && cargo build --release --locked --bin corem)
port=4420
log=$(mktemp)
trap 'rm -f "$log"' EXIT

drop_caches() {
  sync
  if ! echo 3 2>/dev/null >/proc/sys/vm/drop_caches; then
    echo "   (cannot drop the page cache here: not root; this case runs warm)"
  fi
}

start() {
  local dir=$1
  port=$((port + 1))
  echo "-- $2 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  local t0
  t0=$(date +%s.%N)
  "$corem" -v serve "$dir" --port "$port" >"$log" 2>&1 &
  local pid=$!
  until grep -q '^Serving' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log"
      echo "corem serve exited" >&2
      exit 1
    fi
    sleep 0.2
  done
  local t1
  t1=$(date +%s.%N)
  # The verbose lines go to stderr, the banner to stdout: wait for the last of them.
  until grep -q 'build cache:' "$log"; do sleep 0.1; done
  printf '   launch → serving: %.1f s; peak %s\n' "$(echo "$t1 - $t0" | bc)" \
    "$(grep VmHWM "/proc/$pid/status" | awk '{printf "%.2f GiB", $2 / 1048576}')"
  grep -E '^  ' "$log" | grep -vE '^  +(-->|\||help)' | sed 's/^/ /'
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

for n in $sizes; do
  dir="$work/n$n-notes"
  [ -d "$dir" ] || python3 "$here/gen_corpus.py" --notes "$n" --seed 42 --out "$dir" --format notes
  echo "== $n notes; $(nproc) cores; $("$corem" --version 2>/dev/null || echo corem); $(date -u +%FT%TZ)"
  rm -rf "$dir/.corem" "$dir/public"
  drop_caches
  start "$dir" "nothing built before"
  echo "-- corem build"
  "$corem" build "$dir" >/dev/null 2>&1
  drop_caches
  start "$dir" "after corem build, page cache dropped"
  start "$dir" "after corem build, page cache warm"
done
