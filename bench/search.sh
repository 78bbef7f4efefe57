#!/usr/bin/env bash
# Search at scale: build an N-note corpus and measure the index in headless Chromium from
# file:// (bench/search.mjs): what the first keystroke loads, first results cold, keystrokes
# warm. A benchmark, not a test.
#
#   bench/search.sh [NOTES...]        e.g. bench/search.sh 1000 10000 100000 (default 10000)
#
# Corpora come from bench/gen_corpus.py (seed 42, format notes) and are kept under
# ${BENCH_DIR:-/tmp/corem-bench} (the same as bench/build.sh's); each site is built there.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/corem-bench}
mkdir -p "$work"
cargo build --release --locked --quiet --bin corem
[ -d node_modules/playwright-core ] || npm ci --silent
for notes in "${@:-10000}"; do
  corpus="$work/n$notes-notes"
  site="$work/search-site-$notes"
  [ -d "$corpus/notes" ] || python3 bench/gen_corpus.py --notes "$notes" --seed 42 --out "$corpus" --format notes >/dev/null
  echo "== $notes notes ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  ./target/release/corem build "$corpus" -o "$site" 2>/dev/null
  node bench/search.mjs "$site" "$corpus/notes"
done
