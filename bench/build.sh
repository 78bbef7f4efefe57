#!/usr/bin/env bash
# Full-build benchmark: corem against Hugo (and mdBook when installed) on the same generated
# corpus, in interleaved runs (bench/interleave.sh: medians, min-max, peak RSS, ratios).
#
#   bench/build.sh [NOTES] [RUNS]      e.g. bench/build.sh 1000 5
#
# Corpora come from bench/gen_corpus.py (seed 42) and are kept under ${BENCH_DIR:-/tmp/corem-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
notes=${1:-1000}
runs=${2:-5}
work=${BENCH_DIR:-/tmp/corem-bench}
mkdir -p "$work"
cargo build --release --locked --quiet
corem="$PWD/target/release/corem"
for fmt in notes hugo mdbook; do
  [ -d "$work/n$notes-$fmt" ] || python3 bench/gen_corpus.py --notes "$notes" --seed 42 --out "$work/n$notes-$fmt" --format "$fmt" >/dev/null
done
echo "corpus: $notes notes, $(du -sh --apparent-size "$work/n$notes-notes/notes" | cut -f1) of Markdown"
cmds=("$corem build $work/n$notes-notes -o $work/out-corem-$notes")
names=("corem")
if command -v hugo >/dev/null; then
  cmds+=("hugo --quiet -s $work/n$notes-hugo -d $work/out-hugo-$notes")
  names+=("hugo $(hugo version | awk '{print $2}')")
fi
if command -v mdbook >/dev/null; then
  cmds+=("mdbook build $work/n$notes-mdbook -d $work/out-mdbook-$notes")
  names+=("mdbook")
fi
echo "commands (the last one is the ratio's yardstick):"
for i in "${!names[@]}"; do echo "  ${names[$i]}: ${cmds[$i]}"; done
bench/interleave.sh "$runs" "${cmds[@]}"
