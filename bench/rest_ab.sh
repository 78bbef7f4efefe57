#!/usr/bin/env bash
# Fresh builds of one corpus started two ways, in turns, each after bench/first_touch.sh: at
# once after `bench/settle.sh --at-once` (scale.sh's settling before 2026-12-06 21:25), and
# after bench/settle.sh, which also waits for the memory freed to be handed back. Shows how
# much of a build's time is the machine handing memory back to its host rather than the build
# (see bench/wait_reported.sh).
#
#   bench/rest_ab.sh N ROUNDS [BIN=target/release/corem]
#
# N: the corpus of bench/scale.sh (${BENCH_DIR:-/tmp/corem-bench}/nN-notes, made by it).
set -euo pipefail
cd "$(dirname "$0")/.."
n=$1 rounds=$2 corem=${3:-$PWD/target/release/corem}
work=${BENCH_DIR:-/tmp/corem-bench}
count=/sys/module/page_reporting/parameters/reported_kib
reported() { if [ -r "$count" ]; then cat "$count"; else echo 0; fi; }
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; } # user nice system irq softirq, in ticks
out="$work/rest-ab-out"
trap 'rm -rf "$out" "$work/n$n-notes/.corem"' EXIT
for r in $(seq "$rounds"); do
  for mode in "at once" "after the wait"; do
    rm -rf "$out" "$work/n$n-notes/.corem"
    bench/first_touch.sh 2048 >/dev/null
    if [ "$mode" = "at once" ]; then
      bench/settle.sh "$work/n$n-notes" --at-once
    else
      bench/settle.sh "$work/n$n-notes"
    fi
    before=$(reported) b0=$(busy)
    line=$(/usr/bin/time -f "$mode, round $r: wall %e s, %U s user + %S s system, peak RSS %M KB" \
      "$corem" build --fresh "$work/n$n-notes" -o "$out" 2>&1 >/dev/null | grep wall)
    b1=$(busy)
    echo "$line"
    echo "   memory handed back to the host while it ran: $(( ($(reported) - before) / 1024 )) MiB"
    # CPU the whole machine used meanwhile, less the build's own: mostly the kernel's threads
    # writing the site back to disk.
    echo "$line" | awk -v t=$((b1 - b0)) -v hz="$(getconf CLK_TCK)" \
      '{ for (i = 1; i <= NF; i++) { if ($i == "user") u = $(i - 2); if ($i == "system,") s = $(i - 2) }
         printf "   CPU used by the rest of the machine while it ran: %.1f s\n", t / hz - u - s }'
  done
done
