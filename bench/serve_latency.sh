#!/usr/bin/env bash
# Edit-to-reload latency of `corem serve`, side by side with `hugo server`, on generated corpora.
#
#   bench/serve_latency.sh [SIZES] [SAMPLES]      e.g. bench/serve_latency.sh "1000 10000" 7
#
# For each size N: generates the same corpus (seed 42) as corem notes and as a Hugo site under
# $WORK (default /tmp/corem-bench), then for one note in the first section measures
#   - corem: edit → `reload` event on /__corem/events (bench/sse_latency.py),
#   - corem: edit → the page served with the edit (bench/incr_latency.py, polling every 5 ms),
#   - hugo:  edit → the page served with the edit (same script), if `hugo` is installed.
# A benchmark, not a test: run it on an idle machine; it prints medians.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
sizes=${1:-"1000 10000"}
samples=${2:-7}
work=${WORK:-/tmp/corem-bench}
corem=${COREM:-$repo/target/release/corem}
mkdir -p "$work"
[ -x "$corem" ] || (cd "$repo" && cargo build --release)
port=4310
for n in $sizes; do
  [ -d "$work/n$n-notes" ] || python3 "$here/gen_corpus.py" --notes "$n" --seed 42 --out "$work/n$n-notes" --format notes
  [ -d "$work/n$n-hugo" ] || python3 "$here/gen_corpus.py" --notes "$n" --seed 42 --out "$work/n$n-hugo" --format hugo
  section=$(ls "$work/n$n-notes/notes" | grep -v '\.md$' | sort | head -1)
  note=$(ls "$work/n$n-notes/notes/$section" | grep -v '^index\.md$' | sort | head -1)
  slug=${note%.md}
  echo "== $n notes: editing $section/$note"
  port=$((port + 1))
  echo "-- corem serve: edit → reload event"
  python3 "$here/sse_latency.py" --file "$work/n$n-notes/notes/$section/$note" --page "$section/$slug.html" \
    --port $port --samples "$samples" --settle 2 -- "$corem" serve "$work/n$n-notes" --port $port | grep -E 'startup|median|peak'
  port=$((port + 1))
  echo "-- corem serve: edit → page served with the edit"
  python3 "$here/incr_latency.py" --file "$work/n$n-notes/notes/$section/$note" \
    --url "http://127.0.0.1:$port/$section/$slug.html" --samples "$samples" --settle 2 \
    -- "$corem" serve "$work/n$n-notes" --port $port | grep -E 'startup|median|peak'
  if command -v hugo >/dev/null; then
    port=$((port + 1))
    echo "-- hugo server: edit → page served with the edit"
    python3 "$here/incr_latency.py" --file "$work/n$n-hugo/content/$section/$note" \
      --url "http://127.0.0.1:$port/$section/$slug/" --samples "$samples" --settle 2 \
      -- hugo server -s "$work/n$n-hugo" --bind 127.0.0.1 --port $port | grep -E 'startup|median|peak'
  fi
done
