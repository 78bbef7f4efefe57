#!/usr/bin/env bash
# Linear scale (issue 18, row 1): corem at 10,000 and 100,000 notes, `--fresh` then two warm
# rebuilds (the cache in place; the first keeps unchanged pages from the current site by hard
# links, the second finds them in its spare: see src/output/reuse.rs), then one after a
# one-note edit, each with
# `-v` (per-stage times and peak memory), and Hugo on the same corpora — one run each, in the
# same session, with the load average before each and the cost of first touches of memory
# (bench/first_touch.sh) before each size. Then the print view of the 100,000-note site (bench/print_open.mjs).
#
#   bench/scale.sh [SIZES="10000 100000"]
#
# Corpora: bench/gen_corpus.py --seed 42 (notes and hugo formats) under
# ${BENCH_DIR:-/tmp/corem-bench}; outputs go there too and are deleted at the end (100,000 notes
# are ~7 GB of site; corpora are kept, 0.8 GB each at 100,000).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/corem-bench}
mkdir -p "$work"
cargo build --release --locked --quiet --bin corem --example floor
corem="$PWD/target/release/corem"
run() { # label, command...
  echo "-- $1 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  shift
  /usr/bin/time -f "   wall %e s, cpu %U s user + %S s system, peak RSS %M KB" "$@" 2>&1 |
    grep -E '^  [a-z+]+ +[0-9.]+ ms|peak memory|output:|pages kept|notes from|wall|search index|exited' || true
}
for n in ${1:-10000 100000}; do
  for fmt in notes hugo; do
    [ -d "$work/n$n-$fmt" ] || python3 bench/gen_corpus.py --notes "$n" --seed 42 --out "$work/n$n-$fmt" --format "$fmt" >/dev/null
  done
  echo "== $n notes, $(du -sh --apparent-size "$work/n$n-notes/notes" | cut -f1) of Markdown; $(nproc) cores; $(date -u +%FT%TZ)"
  rm -rf "$work/n$n-notes/.corem" "$work/scale-out-$n"
  # How costly first touches of memory are on this machine right now (see bench/first_touch.sh).
  bench/first_touch.sh 2048
  bench/settle.sh "$work/n$n-notes"
  run "corem build --fresh" "$corem" -v build --fresh "$work/n$n-notes" -o "$work/scale-out-$n"
  run "corem build (warm: the cache of the run before; its spare is empty, every file is written)" "$corem" -v build "$work/n$n-notes" -o "$work/scale-out-$n"
  run "corem build (warm again: cache, and a spare holding the same site: files compared, not written)" "$corem" -v build "$work/n$n-notes" -o "$work/scale-out-$n"
  # One note's text edited (a sentence appended), as when writing: the pages showing it are
  # rendered, the rest kept; then the note is put back.
  edited=$(find "$work/n$n-notes/notes" -name '*.md' ! -name '_index.md' ! -name 'index.md' | sort | sed -n '100p')
  cp "$edited" "$work/edited.bak"
  printf '\nOne more sentence about consistent hashing.\n' >>"$edited"
  run "corem build (one note edited: $(basename "$edited"))" "$corem" -v build "$work/n$n-notes" -o "$work/scale-out-$n"
  cp "$work/edited.bak" "$edited"
  run "floor (examples/floor.rs)" target/release/examples/floor "$work/n$n-notes/notes" "$work/scale-floor-$n"
  if command -v hugo >/dev/null; then
    rm -rf "$work/scale-hugo-$n"
    bench/settle.sh "$work/n$n-hugo"
    # Hugo's memory grows fast with the site: on a shared machine it runs in a memory cgroup
    # (when one can be made) capped at HUGO_MEM, so that running out kills Hugo, not a neighbour.
    cg=/sys/fs/cgroup/memory/corem-bench-hugo-$$
    if mkdir "$cg" 2>/dev/null && echo "${HUGO_MEM:-14G}" >"$cg/memory.limit_in_bytes"; then
      run "hugo $(hugo version | awk '{print $2}') (memory capped at ${HUGO_MEM:-14G})" timeout "${HUGO_TIMEOUT:-1200}" \
        sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' _ "$cg" hugo --quiet -s "$work/n$n-hugo" -d "$work/scale-hugo-$n"
      rmdir "$cg" 2>/dev/null || true
    else
      run "hugo $(hugo version | awk '{print $2}')" timeout "${HUGO_TIMEOUT:-1200}" hugo --quiet -s "$work/n$n-hugo" -d "$work/scale-hugo-$n"
    fi
  fi
  if [ -d node_modules/playwright-core ]; then
    echo "-- print view"
    node bench/print_open.mjs "$work/scale-out-$n" 3 3
  fi
  rm -rf "$work/scale-out-$n" "$work/scale-floor-$n" "$work/scale-hugo-$n" "$work/n$n-notes/.corem"
done
