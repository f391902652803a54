#!/usr/bin/env python3
"""Checks that every Swift example in README.md and Docs/*.md is compiled:
each line of each ```swift block must appear in a Swift file of the
`Examples/` package (or, for the swift-metrics, swift-log and
service-lifecycle examples, of the `Integrations/` package), which CI builds
and tests from outside this package, exactly as a user's program would be. A block preceded by
`<!-- example: not compiled (reason) -->` is skipped.

Usage: scripts/check-doc-examples.py   (exit 1 when a line is not found)
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP = re.compile(r"<!--\s*example:\s*not compiled")


def normalise(line):
    return re.sub(r"\s+", " ", line.strip())


def main():
    compiled = set()
    sources = glob.glob(os.path.join(ROOT, "Examples", "**", "*.swift"), recursive=True)
    sources += glob.glob(os.path.join(ROOT, "Integrations", "**", "*.swift"), recursive=True)
    for path in sources:
        if "/.build" in path:
            continue
        with open(path, encoding="utf-8") as handle:
            compiled.update(normalise(line) for line in handle)
    missing = []
    documents = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "Docs", "*.md")))
    blocks = 0
    for document in documents:
        text = open(document, encoding="utf-8").read()
        for match in re.finditer(r"(?m)^```swift\n(.*?)^```", text, re.S):
            before = text[:match.start()].rstrip().splitlines()
            if before and SKIP.search(before[-1]):
                continue
            blocks += 1
            first = text[:match.start()].count("\n") + 2
            for offset, line in enumerate(match.group(1).splitlines()):
                if normalise(line) and normalise(line) not in compiled:
                    missing.append(f"{os.path.relpath(document, ROOT)}:{first + offset}: {line.strip()}")
    for line in missing:
        print(line)
    if missing:
        print(f"{len(missing)} documented line(s) are not in Examples/: copy the example there so CI compiles it")
        return 1
    print(f"every line of {blocks} documented Swift examples is compiled in Examples/ or Integrations/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
