#!/usr/bin/env bash
# What the kernel charges a process for writing N bytes of new files on this machine, with no
# generator involved: `dd` writes one file of the size of the 10,000-note site (0.6 GB) and one
# of the 100,000-note site (5.6 GB), after the same settling as bench/scale.sh (sync, drop
# the caches), in turns. If writing were linear, the system time per GB would be the same at
# both sizes; the ratio of the two sizes' system times is what the kernel alone contributes to
# the 10,000 -> 100,000 ratio of issue 18's target 1 (see bench/RESULTS.md).
#
#   bench/pagecache.sh [ROUNDS=3] [SIZES_MB="600 6000"]
#
# Needs root (to drop the caches) and 7 GB free under ${BENCH_DIR:-/tmp/corem-bench}.
set -euo pipefail
rounds=${1:-3}
sizes=${2:-600 6000}
work=${BENCH_DIR:-/tmp/corem-bench}
mkdir -p "$work"
out="$work/pagecache.tmp"
if ! echo 3 2>/dev/null >/proc/sys/vm/drop_caches; then
  echo "pagecache.sh: needs root to drop the caches" >&2
  exit 1
fi
echo "== $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); $(date -u +%FT%TZ)"
for r in $(seq 1 "$rounds"); do
  for mb in $sizes; do
    rm -f "$out"
    sync
    echo 3 >/proc/sys/vm/drop_caches
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    # dd's own figures: wall and system seconds; the file is written, not synced (as a build's).
    t=$( { /usr/bin/time -f "%e %S" dd if=/dev/zero of="$out" bs=1M count="$mb" status=none; } 2>&1)
    read -r wall sys <<<"$t"
    awk -v r="$r" -v mb="$mb" -v w="$wall" -v s="$sys" -v l="$load" \
      'BEGIN { printf "round %d  %5d MB  wall %6.2f s  system %6.2f s  %.2f s/GB  (load %s)\n", r, mb, w, s, s / (mb / 1000), l }'
  done
done
rm -f "$out"
