#!/usr/bin/env bash
# Search at scale: generate an N-note corpus, build it, and measure the index in headless
# Chromium (size, load + decode time, query latency). A benchmark, not a test.
#
# usage: bench/search.sh [NOTES=10000] [SEED=42]
#   GEN_CORPUS=path/to/gen_corpus.py (default: ../shared/bench/gen_corpus.py beside the repo)
#   WORK=/tmp (where the corpus and the site go)
set -euo pipefail
cd "$(dirname "$0")/.."
notes=${1:-10000}
seed=${2:-42}
work=${WORK:-/tmp}
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
corpus="$work/c$notes-s$seed"
site="$corpus-out"
if [ ! -d "$corpus/notes" ]; then
  python3 "$gen" --notes "$notes" --seed "$seed" --out "$corpus" --format notes
fi
cargo build --release --quiet
echo "building $corpus → $site"
/usr/bin/env time -f "build: %e s wall, %U s user, %M KB max RSS" \
  ./target/release/corem --verbose build "$corpus" -o "$site"
[ -d node_modules/playwright-core ] || npm ci --silent
node bench/search.mjs "$site" "$corpus/notes"
