#!/usr/bin/env bash
# Byte-for-byte comparison of what two corem binaries write, for refactors that must not change
# behaviour (split functions, moved code):
#
#   bench/same_output.sh REF_BIN NEW_BIN      e.g. bench/same_output.sh /tmp/corem-ref target/release/corem
#
# Both binaries build, one after the other and from the very same input folders:
#   - the handbook (the repository root), as a site and as `--single-file`;
#   - every project under tests/fixtures/: the site when the build succeeds; when it fails (the
#     fixtures of broken links, calc and diagram errors…) the exit code and the diagnostics;
#   - every project under tests/hostile/ (pathological input: limits, bad front matter, escapes),
#     compared the same way, with the large inputs its case.toml generates (as tests/hostile.rs
#     does; its symbolic links to places outside the project are not made);
#   - a generated corpus: bench/gen_corpus.py --notes 300 --seed 7 --format notes.
# For every build the exit code, stdout and stderr are kept beside the output, then the two trees
# are compared with `diff -r`. Exit 0 when identical; 1 with the differences listed; 2 on misuse.
#
# The inputs are the committed tree at HEAD, cloned into a temporary folder (with its history,
# so the "last updated" dates read from git are compared too): the comparison is of the
# binaries, so an uncommitted edit of a note cannot make the two builds see different files.
# Each build is `--fresh` (no build cache, no spare site), gets an empty `$XDG_CACHE_HOME` and
# has the project's `.corem/` removed first, so neither binary can reuse what the other wrote.
# Both write to the same output path (moved away after each build), so paths printed in
# messages are the same.
#
# Ignored, and nothing else (nothing in the written sites):
#   - the build time in the summary line (`… in 412 ms`), rewritten to `in N ms`;
#   - which limit stops a runaway calculation (tests/hostile/calc-runaway): the time limit and
#     the memory limit race, and which wins depends on the machine's load, so both messages are
#     rewritten to one `calculation hit a resource limit`.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 REF_BIN NEW_BIN" >&2
  exit 2
fi
abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
ref=$(abs "$1")
new=$(abs "$2")
for b in "$ref" "$new"; do
  [ -x "$b" ] || { echo "not an executable: $b" >&2; exit 2; }
done
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/corem-same.XXXXXX")
trap 'rm -rf "$work"' EXIT

git clone --quiet --no-checkout "$root" "$work/src"
git -C "$work/src" checkout --quiet --detach "$(git -C "$root" rev-parse HEAD)"
python3 "$root/bench/gen_corpus.py" --notes 300 --seed 7 --format notes --out "$work/corpus" >/dev/null 2>&1

# The large inputs of the hostile cases, generated as tests/hostile.rs generates them.
python3 - "$work/src/tests/hostile" <<'PY'
import pathlib, sys, tomllib
for case in sorted(pathlib.Path(sys.argv[1]).glob("*/case.toml")):
    for g in tomllib.loads(case.read_text()).get("generate", []):
        body = (g.get("prefix", "") + g["repeat"] * g["times"] + g.get("suffix", "")
                + g.get("close", "") * g["times"] + g.get("end", ""))
        path = case.parent / g["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
PY

# name → project folder
projects=("handbook=$work/src")
for f in "$work"/src/tests/fixtures/*/; do
  f=${f%/}
  projects+=("fixture-$(basename "$f")=$f")
done
for f in "$work"/src/tests/hostile/*/; do
  f=${f%/}
  projects+=("hostile-$(basename "$f")=$f")
done
projects+=("corpus-300=$work/corpus")

# run WHICH NAME DIR [ARGS...]: one build with binary WHICH (ref|new) of project DIR; its
# output, exit code, stdout and stderr end up in $work/WHICH/NAME/.
run() {
  local which=$1 name=$2 dir=$3
  shift 3
  local bin=$ref
  [ "$which" = new ] && bin=$new
  local keep="$work/$which/$name"
  mkdir -p "$keep"
  rm -rf "$dir/.corem" "$work/cache" "$work/out" "$work/out.html"
  mkdir -p "$work/cache"
  local rc=0
  (cd "$work" && NO_COLOR=1 XDG_CACHE_HOME="$work/cache" "$bin" build --fresh "$dir" "$@" \
    >"$keep/stdout" 2>"$keep/stderr") || rc=$?
  echo "$rc" >"$keep/exit-code"
  sed -i -E -e 's/ in [0-9]+ ms$/ in N ms/' \
    -e 's/calculation (took longer than [0-9.]+ ?m?s; calculations must finish quickly|used more than [0-9]+ [KMG]iB of memory)/calculation hit a resource limit/' \
    "$keep/stdout" "$keep/stderr"
  [ -e "$work/out" ] && mv "$work/out" "$keep/site"
  [ -e "$work/out.html" ] && mv "$work/out.html" "$keep/single.html"
  rm -rf "$dir/.corem"
  return 0
}

built=0
failed=()
for p in "${projects[@]}"; do
  name=${p%%=*}
  dir=${p#*=}
  for which in ref new; do
    run "$which" "$name" "$dir" -o "$work/out"
  done
  built=$((built + 1))
  [ "$(cat "$work/ref/$name/exit-code")" = 0 ] || failed+=("$name")
done
for which in ref new; do
  run "$which" handbook-single-file "$work/src" --single-file "$work/out.html"
done
built=$((built + 1))

files=$(find "$work/ref" -type f | wc -l)
echo "$built builds each (${#failed[@]} of them fail on purpose, compared by exit code and diagnostics: ${failed[*]:-none}); $files files from the reference binary"
if diff -r "$work/ref" "$work/new" >"$work/diff.txt"; then
  echo "identical: $ref and $new write the same bytes"
  exit 0
fi
echo "DIFFERENT: $(grep -c '^diff -r\|^Only in\|^Binary files' "$work/diff.txt" || true) files differ or exist on one side only" >&2
grep '^diff -r\|^Only in\|^Binary files' "$work/diff.txt" | sed "s|$work/||g" >&2
echo "--- first lines of the differences:" >&2
head -40 "$work/diff.txt" | cut -c1-300 | sed "s|$work/||g" >&2
exit 1
