#!/usr/bin/env python3
"""Checks that the package's version is stated once over: the first
version heading of CHANGELOG.md, `metrics-agent --version`
(Sources/metrics-agent/AgentOptions.swift) and every `from:` of a
`.package(url: ...swift-cloudwatch-metrics...)` line in README.md and
Docs/ are the same. Prints that version on success (scripts/check-install.sh
reads it); exits 1 naming each disagreement."""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    return open(os.path.join(ROOT, path), encoding="utf-8").read()


def main():
    problems = []
    changelog = re.search(r"(?m)^## (\d+\.\d+\.\d+)\b", read("CHANGELOG.md"))
    agent = re.search(r'static let version = "([^"]+)"', read("Sources/metrics-agent/AgentOptions.swift"))
    if not changelog or not agent:
        print("check-version: no version heading in CHANGELOG.md or no AgentOptions.version")
        return 1
    version = changelog.group(1)
    if agent.group(1) != version:
        problems.append(f"metrics-agent --version says {agent.group(1)}, CHANGELOG.md {version}")
    documents = ["README.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "Docs", "*.md")))
    stated = 0
    for document in documents:
        for match in re.finditer(r'\.package\(url: "[^"]*swift-cloudwatch-metrics[^"]*", from: "([^"]+)"\)', read(document)):
            stated += 1
            if match.group(1) != version:
                problems.append(f"{document}: from: \"{match.group(1)}\", CHANGELOG.md says {version}")
    if stated == 0:
        problems.append("README.md shows no .package(url: ...swift-cloudwatch-metrics..., from: ...) line")
    for problem in problems:
        print(f"check-version: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
