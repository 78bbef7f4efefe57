#!/usr/bin/env bash
# Two corem binaries, fresh builds of one corpus, alternating (A B A B …), each build into an
# output folder of its own so that no deletion runs between them (deleting a 7 GB site keeps
# the disk busy for minutes and slows the next build). Per-stage times and peak memory from
# `-v`, wall and CPU from GNU time; the outputs are deleted at the end.
#
#   bench/ab.sh CORPUS ROUNDS BIN_A BIN_B
#
# e.g. the release binary of two commits on the 100,000-note corpus of bench/scale.sh:
#   bench/ab.sh /tmp/corem-bench/n100000-notes 2 /tmp/corem-old target/release/corem
set -euo pipefail
corpus=$1 rounds=$2 a=$3 b=$4
out=$(mktemp -d "${TMPDIR:-/tmp}/corem-ab.XXXXXX")
trap 'rm -rf "$out"' EXIT
i=0
for r in $(seq "$rounds"); do
  for bin in "$a" "$b"; do
    i=$((i + 1))
    echo "== $bin (round $r), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%T)"
    /usr/bin/time -f "   wall %e s, cpu %U s user + %S s system, peak RSS %M KB" \
      "$bin" -v build --fresh "$corpus" -o "$out/$i" 2>&1 |
      grep -E '^  [a-z+]+ +[0-9.]+ ms|peak memory|wall' || true
  done
done
