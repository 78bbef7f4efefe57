#!/usr/bin/env bash
# A diagnostic, not a target's figure: fresh builds at 10,000 and 100,000 notes with this
# machine's allowance of cheap new memory taken by a ballast process first, so that both
# builds touch only memory handed back to the host.
#
#   bench/cold_ratio.sh [ROUNDS=1] [BALLAST_MIB=1024]
#
# Why it was tried (measured with bench/first_touch.sh after bench/wait_reported.sh,
# 2026-12-06 21:50 UTC): on this virtual machine the first ~0.75 GiB of memory written anew
# costs about 0.3 s of system time per GiB, and every GiB past it about 3 s (512 MiB:
# 0.13-0.18 s; 768: 0.30 s; 1024: 1.10 s; 1536: 2.67 s; 2048: 4.12 s; 4096: 10.71 s). A fresh
# 10,000-note build touches about 1 GiB (heap and site), a 100,000-note one about 9 GiB. If the
# small build lived on that cheap allowance, taking it first would slow the small build and
# lower the ratio.
#
# What it showed (2026-12-06 21:54-21:57 UTC, bench/cold-ratio-2026-12-06.log): it did not.
# With 1 GiB of ballast held, the 10,000-note build took 10.45 and 10.26 s (2.95 and 2.62 s
# system), as without it (10.42-11.90 s after the wait, bench/rest-2026-12-06-10k.log), and
# the 100,000-note build 120.63 s. So the cheap first gigabyte is not what makes the small
# build cheap per byte; kept as the record of that test.
#
# Corpora and settling as in bench/scale.sh (its corpora must exist).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-1} mib=${2:-1024}
work=${BENCH_DIR:-/tmp/corem-bench}
corem="$PWD/target/release/corem"
out="$work/cold-ratio-out"
ballast_pid=
stop_ballast() {
  if [ -n "$ballast_pid" ]; then
    kill "$ballast_pid" 2>/dev/null || true
    wait "$ballast_pid" 2>/dev/null || true
  fi
  ballast_pid=
}
trap 'stop_ballast; rm -rf "$out"' EXIT
for r in $(seq "$rounds"); do
  for n in 10000 100000; do
    rm -rf "$out" "$work/n$n-notes/.corem"
    bench/settle.sh "$work/n$n-notes"
    # The ballast: MIB MiB written page by page and held until the build ends.
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    python3 -c '
import mmap, signal, sys
size = int(sys.argv[1]) << 20
m = mmap.mmap(-1, size)
for i in range(0, size, 4096):
    m[i] = 1
open(sys.argv[2], "w").write("ready\n")
signal.pause()
' "$mib" "$fifo" &
    ballast_pid=$!
    read -r _ <"$fifo"
    rm -f "$fifo"
    /usr/bin/time -f "$n notes, round $r, $mib MiB of ballast held: wall %e s, %U s user + %S s system, peak RSS %M KB" \
      "$corem" build --fresh "$work/n$n-notes" -o "$out" 2>&1 >/dev/null | grep wall
    stop_ballast
  done
done
