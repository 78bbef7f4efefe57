#!/bin/sh
# Diagram figures, in a release build:
#   - the share of the example set that draws, per type (tests/fixtures/diagram-<type>/ hold one
#     example per documented construct, written from Mermaid's syntax reference;
#     tests/fixtures/diagram-refused/ holds the documented syntax corem refuses), with the time
#     and size per diagram;
#   - the handbook's diagrams, one line each, and their totals;
#   - large inputs at the budgets (500-node flowchart, 3,000 nodes / 6,000 links).
#
#     bench/diagrams.sh
set -eu
cd "$(dirname "$0")/.."
cargo test --release --locked --test diagram_figures -- --ignored --nocapture example_set 2>/dev/null | grep '^|'
echo
cargo test --release --locked --test diagram_figures -- --ignored --nocapture handbook 2>/dev/null | grep "diagrams, "
echo
big=$(mktemp -d)
python3 - "$big" <<'PY'
import random, sys
random.seed(3)
def dag(n, m, span):
    s = ['flowchart TD']
    c = 0
    while c < m:
        i = random.randrange(n); j = i + 1 + random.randrange(span)
        if j < n:
            s.append(f'  N{i}[Node {i}] --> N{j}'); c += 1
    return '\n'.join(s)
blocks = [dag(500, 1000, 40), dag(1500, 3000, 10), dag(3000, 6000, 3)]
open(sys.argv[1] + '/big.md', 'w').write('\n'.join('```mermaid\n' + b + '\n```\n' for b in blocks))
PY
COREM_DIAGRAM_NOTES="$big" cargo test --release --locked --test diagram_figures -- --ignored --nocapture handbook 2>/dev/null | grep -E ' ms '
rm -rf "$big"
