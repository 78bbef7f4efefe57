#!/usr/bin/env python3
"""Lines per Rust function, counted from the line of `fn` to its closing brace.

    python3 bench/fn_lengths.py [PATH ...] [--over N] [--max M]

Prints every function over N lines (default 80), longest first, and a summary line for notes
(`1184 functions, 33 over 80 lines, longest 306 (build)`). With `--max M` it also exits 1,
naming them, when any function is over M lines (a gate for CI or a pre-commit check). Test
modules (`#[cfg(test)]`) are counted too. Strings, chars and comments are skipped when matching
braces.
"""
import os
import re
import sys

FN = re.compile(r'^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+"[^"]*"\s+)?fn\s+(\w+)')


def strip(line, state):
    """The line without string/char literals and comments; `state` carries block comments and
    raw strings across lines."""
    out = []
    i = 0
    while i < len(line):
        if state['block']:
            j = line.find('*/', i)
            if j < 0:
                return ''.join(out)
            state['block'] = False
            i = j + 2
            continue
        if state['raw'] is not None:
            end = '"' + '#' * state['raw']
            j = line.find(end, i)
            if j < 0:
                return ''.join(out)
            state['raw'] = None
            i = j + len(end)
            continue
        if state['str']:
            j = i
            while j < len(line):
                if line[j] == '\\':
                    j += 2
                    continue
                if line[j] == '"':
                    break
                j += 1
            if j >= len(line):
                return ''.join(out)
            state['str'] = False
            i = j + 1
            continue
        c = line[i]
        if line.startswith('//', i):
            break
        if line.startswith('/*', i):
            state['block'] = True
            i += 2
            continue
        m = re.match(r'b?r(#*)"', line[i:])
        if m and (i == 0 or not (line[i - 1].isalnum() or line[i - 1] == '_')):
            state['raw'] = len(m.group(1))
            i += len(m.group(0))
            continue
        if c == '"':
            state['str'] = True
            i += 1
            continue
        if c == "'":
            m = re.match(r"'(\\.|\\u\{[0-9a-fA-F]+\}|[^\\'])'", line[i:])
            if m:
                i += len(m.group(0))
                continue
        out.append(c)
        i += 1
    return ''.join(out)


def functions(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    state = {'block': False, 'raw': None, 'str': False}
    code = [strip(l, state) for l in lines]
    found = []
    for n, l in enumerate(code):
        m = FN.match(l)
        if not m:
            continue
        depth = 0
        opened = False
        for k in range(n, len(code)):
            for ch in code[k]:
                if ch == '{':
                    depth += 1
                    opened = True
                elif ch == '}':
                    depth -= 1
                elif ch == ';' and not opened and depth == 0:
                    break  # a declaration without a body
            else:
                if opened and depth == 0:
                    found.append((k - n + 1, path, n + 1, m.group(7)))
                    break
                continue
            break
    return found


def take_int(args, flag, default):
    """Removes `flag N` from `args` and returns N (or `default` when the flag is absent)."""
    if flag not in args:
        return default
    k = args.index(flag)
    if k + 1 >= len(args) or not args[k + 1].isdigit():
        sys.exit(f'usage: {flag} takes a whole number of lines')
    value = int(args[k + 1])
    del args[k:k + 2]
    return value


def main():
    args = sys.argv[1:]
    over = take_int(args, '--over', 80)
    limit = take_int(args, '--max', None)
    roots = args or ['src']
    allf = []
    for root in roots:
        if os.path.isfile(root):
            allf += functions(root)
            continue
        for d, _, files in os.walk(root):
            for f in sorted(files):
                if f.endswith('.rs'):
                    allf += functions(os.path.join(d, f))
    allf.sort(key=lambda x: -x[0])
    for n, p, line, name in allf:
        if n > over:
            print(f'{n:5}  {p}:{line}  {name}')
    big = [x for x in allf if x[0] > over]
    longest = allf[0] if allf else (0, '-', 0, '-')
    print(f'{len(allf)} functions, {len(big)} over {over} lines, longest {longest[0]} ({longest[3]})')
    if limit is not None:
        too_long = [x for x in allf if x[0] > limit]
        if too_long:
            names = ', '.join(f'{p}:{line} {name} ({n})' for n, p, line, name in too_long)
            print(f'{len(too_long)} over the limit of {limit} lines: {names}', file=sys.stderr)
            sys.exit(1)


if __name__ == '__main__':
    main()
