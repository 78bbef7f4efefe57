#!/usr/bin/env bash
# Full-build benchmark: corem against Hugo and mdBook (when installed) and the pulldown-cmark
# floor (examples/floor.rs: read, render, write each note, nothing else), on the same generated
# corpus, in interleaved runs (bench/interleave.sh: medians, min-max, peak RSS).
#
#   bench/build.sh [NOTES] [RUNS]      e.g. bench/build.sh 1000 5
#
# corem is timed twice: `corem build` as a user runs it again after an edit (its build cache
# and the spare output folder from the run before are in place), and `corem build --fresh`,
# which ignores both (what a first build costs). The floor runs twice too: as examples/floor.rs
# writes by default (std::fs::write, which empties each file of the run before first: on ext4
# most of the floor's time) and with --in-place (each file written over and cut to length, as
# corem writes its files): the floor of the work itself. Ratios: each command's median over the peers'
# and the floor's medians. Corpora come from bench/gen_corpus.py (seed 42) and are kept under
# ${BENCH_DIR:-/tmp/corem-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
notes=${1:-1000}
runs=${2:-5}
work=${BENCH_DIR:-/tmp/corem-bench}
mkdir -p "$work"
cargo build --release --locked --quiet --bin corem --example floor
corem="$PWD/target/release/corem"
floor="$PWD/target/release/examples/floor"
for fmt in notes hugo mdbook; do
  [ -d "$work/n$notes-$fmt" ] || python3 bench/gen_corpus.py --notes "$notes" --seed 42 --out "$work/n$notes-$fmt" --format "$fmt" >/dev/null
done
echo "corpus: $notes notes, $(du -sh --apparent-size "$work/n$notes-notes/notes" | cut -f1) of Markdown; $(nproc) cores"
names=("floor" "corem" "corem --fresh" "floor --in-place")
cmds=("$floor $work/n$notes-notes/notes $work/out-floor-$notes"
      "$corem build $work/n$notes-notes -o $work/out-corem-$notes"
      "$corem build --fresh $work/n$notes-notes -o $work/out-corem-fresh-$notes"
      "$floor $work/n$notes-notes/notes $work/out-floor-in-place-$notes --in-place")
if command -v hugo >/dev/null; then
  cmds+=("hugo --quiet -s $work/n$notes-hugo -d $work/out-hugo-$notes")
  names+=("hugo $(hugo version | awk '{print $2}')")
fi
if command -v mdbook >/dev/null; then
  cmds+=("mdbook build $work/n$notes-mdbook -d $work/out-mdbook-$notes")
  names+=("mdbook $(mdbook --version | awk '{print $2}')")
fi
for i in "${!names[@]}"; do echo "  ${names[$i]}: ${cmds[$i]}"; done
result=$(bench/interleave.sh "$runs" "${cmds[@]}")
echo "$result"
# Ratios of medians: corem (both ways) over every other command.
printf '%s\n' "${names[@]}" | python3 -c '
import re, sys
names = [l.rstrip("\n") for l in open(0)]
med = [float(m) for m in re.findall(r"wall median ([0-9.]+) s", sys.argv[1])]
rss = [float(m) for m in re.findall(r"peak RSS median ([0-9.]+) MiB", sys.argv[1])]
for c in (1, 2):
    for o in range(len(names)):
        if o not in (1, 2):
            print("%-14s / %-14s  time %.3f   peak RSS %.3f" % (names[c], names[o], med[c] / med[o], rss[c] / rss[o]))
' "$result"
