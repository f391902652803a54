#!/usr/bin/env python3
"""Checks that every benchmark figure stated outside Docs/performance.md is
one of its figures, so that a figure lives in one generated place
(Benchmarks/compare.sh writes Docs/performance.md) and a copy cannot drift
from it unseen: regenerate performance.md and any copy that no longer
matches fails here.

Checked: in README.md and Docs/*.md, every time in ns or µs, every heap
size in bytes ("307 B"), every resident size ("15.3 MB resident") and
every ratio ("0.74x", "0.97×"); and, in README.md's "## Performance"
section, every figure with a unit. Limits and settings (1 MB requests,
10 s timeouts) are not figures of a run and are not checked.
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEASURED = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?) ?(ns|µs|B(?= |\||$)|MB resident|[x×](?=\W|$))", re.M)
ANY_UNIT = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?) ?(ns|µs|ms|s|B|MB|%)(?=\W|$)", re.M)


def figures(text, pattern):
    return [(match.group(1), match.group(2)) for match in pattern.finditer(text)]


def canonical(number, unit):
    unit = {"×": "x", "MB resident": "MB"}.get(unit, unit)
    return f"{number.replace(',', '')} {unit}"


def main():
    reference = open(os.path.join(ROOT, "Docs", "performance.md"), encoding="utf-8").read()
    known = {canonical(n, u) for n, u in figures(reference, ANY_UNIT) + figures(reference, MEASURED)}
    problems = []
    documents = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "Docs", "*.md")))
    for path in documents:
        if path.endswith(os.path.join("Docs", "performance.md")):
            continue
        text = open(path, encoding="utf-8").read()
        checked = figures(text, MEASURED)
        if path.endswith("README.md") and "\n## Performance\n" in text:
            section = text.split("\n## Performance\n", 1)[1].split("\n## ", 1)[0]
            checked += figures(section, ANY_UNIT)
        for number, unit in checked:
            if canonical(number, unit) not in known:
                problems.append(f"{os.path.relpath(path, ROOT)}: '{number} {unit}' is not a figure of Docs/performance.md")
    for problem in sorted(set(problems)):
        print(problem)
    if problems:
        print("state the figure in Docs/performance.md (Benchmarks/compare.sh writes it) and link to it, or copy it exactly")
        return 1
    print("every benchmark figure outside Docs/performance.md is one of its figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
