#!/usr/bin/env bash
# Pathological input: builds each one-note project of bench/gen_hostile.py with the release
# binary and reports wall time, peak RSS and the exit status (0 built, 1 content errors
# reported; anything else, or the time limit, is a failure).
#
#   bench/hostile.sh [CASE ...]      e.g. bench/hostile.sh quotes links
#
# Cases: quotes lists big links headings diagram calc embeds broken (default: all). Projects are written
# under ${BENCH_DIR:-/tmp/corem-hostile}; each build is stopped after ${LIMIT:-600} s.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/corem-hostile}
limit=${LIMIT:-600}
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(quotes lists big links headings diagram calc embeds broken)
cargo build --release --locked --quiet --bin corem
corem="$PWD/target/release/corem"
rm -rf "$work"
mkdir -p "$work"
python3 bench/gen_hostile.py "$work" "${cases[@]}"
printf '%-10s %10s %10s %12s %s\n' case "note" "wall s" "peak RSS MB" "exit"
for c in "${cases[@]}"; do
  size=$(du -h --apparent-size "$work/$c/notes/note.md" | cut -f1)
  set +e
  /usr/bin/time -v -o "$work/$c.time" timeout "$limit" \
    "$corem" build "$work/$c" -o "$work/$c-out" >"$work/$c.log" 2>&1
  code=$?
  set -e
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$c.time" |
    awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/$c.time")
  case $code in
    0) what="0 (built; $(grep -c '^warning' "$work/$c.log" || true) warnings)" ;;
    1) what="1 (content errors: $(grep -c '^error' "$work/$c.log" || true) reported)" ;;
    124) what="124 (killed after ${limit} s)" ;;
    *) what="$code (FAILED, see $work/$c.log)" ;;
  esac
  printf '%-10s %10s %10s %12s %s\n' "$c" "$size" "$wall" "$rss" "$what"
done
