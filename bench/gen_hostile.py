#!/usr/bin/env python3
"""Writes the pathological one-note projects that bench/hostile.sh builds.

    bench/gen_hostile.py OUT_DIR [CASE ...]

Each case is a project folder OUT_DIR/CASE with a `notes/` folder (the note under test plus a
small target note its links point at). Cases (all sizes from issue 15):

- quotes:   10,000 nested block quotes (`> > > … text`), then a callout nested as deep;
- lists:    10,000 nested list items, each with text (the same depth as a list);
- big:      a 20 MB note of ordinary Markdown (headings, paragraphs, links, lists, code);
- links:    50,000 links in one paragraph with no sentence end (wikilinks, anchors, Markdown
            links, embeds of the target's section);
- headings: 50,000 headings with the same text, and a link to each by anchor;
- diagram:  a Mermaid flowchart of 2,000 nodes (a chain plus cross edges);
- calc:     a calc block of 20,000 lines inside one open bracket;
- embeds:   notes that embed the next one ten times each, eight deep (each page a
            transclusion of 10^7 copies of the last note, without a limit);
- broken:   2,000 headings and 50,000 broken links (anchors, notes, paths) on one line.
"""

import os
import sys

TARGET = """---
title: Target
---
Target of the links.

## Section

Words of the section.
"""


def write(out, case, body):
    notes = os.path.join(out, case, "notes")
    os.makedirs(notes, exist_ok=True)
    with open(os.path.join(notes, "target.md"), "w") as f:
        f.write(TARGET)
    for name, text in extra_notes(case).items():
        with open(os.path.join(notes, name), "w") as f:
            f.write(text)
    with open(os.path.join(notes, "note.md"), "w") as f:
        f.write("---\ntitle: Hostile\n---\n")
        f.write(body)
    # Broken links must not be the point: warn instead of failing on them.
    with open(os.path.join(out, case, "corem.toml"), "w") as f:
        f.write('title = "hostile"\nbroken_links = "warn"\n')


def quotes(n=10_000):
    return "> " * n + "deep text [[Target]]\n\n" + "> " * n + "[!note] Deep callout\n" + "> " * n + "body\n"


def lists(n=10_000):
    return "".join("  " * i + f"- item {i} [[Target]]\n" for i in range(n))


def big(size=20 * 1024 * 1024):
    block = (
        "## A heading about caching\n\n"
        "Caching keeps hot data close to the reader: see [[Target]] and [the section](target.md#section). "
        "A `= 2 + 2` value, some *emphasis*, **strong** text and `code` run along.\n\n"
        "- first point with a [link](https://example.com/x)\n- second point\n\n"
        "> [!tip] A callout\n> with a body line.\n\n"
        "```rust\nfn main() { println!(\"hi\"); }\n```\n\n"
    )
    reps = size // len(block) + 1
    return block * reps


def links(n=50_000):
    kinds = ["[[Target]]", "[[Target#Section]]", "[[Target|label]]", "[md](target.md#section)", "![[Target#Section]]"]
    return " ".join(f"word{i} {kinds[i % len(kinds)]}" for i in range(n)) + "\n"


def headings(n=50_000):
    return "".join(f"## Same\n\n[back](#same-{i}) and [[#Same]]\n\n" for i in range(n))


def diagram(n=2_000):
    lines = ["```mermaid", "flowchart TD"]
    for i in range(n - 1):
        lines.append(f"  n{i}[Node {i}] --> n{i + 1}[Node {i + 1}]")
    for i in range(0, n - 50, 7):
        lines.append(f"  n{i} -.-> n{i + 50}")
    lines.append("```")
    return "\n".join(lines) + "\n"


def calc(n=20_000):
    lines = ["```calc", "let x = ("]
    lines += [f"  {i} +" for i in range(n)]
    lines += ["  0)", "x", "```"]
    return "\n".join(lines) + "\n"


def embeds(fan=10, depth=8):
    """The note embeds e1 `fan` times; e1 embeds e2 `fan` times, and so on."""
    return "".join(f"![[e1]]\n\n" for _ in range(fan))


def extra_notes(case):
    if case != "embeds":
        return {}
    fan, depth = 10, 8
    notes = {}
    for i in range(1, depth + 1):
        body = f"Note e{i} has some words of its own, a sentence or two.\n\n"
        if i < depth:
            body += "".join(f"![[e{i + 1}]]\n\n" for _ in range(fan))
        notes[f"e{i}.md"] = f"---\ntitle: e{i}\n---\n" + body
    return notes


def broken(headings=2_000, n=50_000):
    body = "".join(f"## Heading number {i}\n\ntext\n\n" for i in range(headings))
    kinds = ["[[#Missing {}]]", "[[Missing note {}]]", "[x](missing-{}.md)"]
    return body + " ".join(kinds[i % 3].format(i) for i in range(n)) + "\n"


CASES = {
    "quotes": quotes,
    "lists": lists,
    "big": big,
    "links": links,
    "headings": headings,
    "diagram": diagram,
    "calc": calc,
    "embeds": embeds,
    "broken": broken,
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    for case in sys.argv[2:] or CASES:
        write(out, case, CASES[case]())


if __name__ == "__main__":
    main()
