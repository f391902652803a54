#!/usr/bin/env python3
"""Checks that no module of this package can collide with another package's.

SwiftPM needs the names of regular, C and system-library targets unique
across a whole package graph, internal targets included: a user's package
that depends on this one and on another package with a target of the same
name does not resolve ("multiple packages declare targets with a
conflicting name"). Executable and test targets of a dependency are not
part of a user's graph, so only the others are checked.

Every such target must either be one of the user-facing modules, whose
names are kept as users know them, or carry this package's prefix (`CWM`,
or `CCWM` for C). And no such target may share its name with a target of
the common packages: those of this machine's package copies (every
repository under /opt/swift-packages, its newest version's manifest, when
that folder exists) and the names below, of packages that are not there.

Usage: scripts/check-module-names.py   (exit 1 on a name at risk)
"""
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The user-facing modules: their names stay (README.md, Modules).
KEPT = {
    "MetricsCore", "Sinks", "ConsoleSink", "CloudWatchCommon", "CloudWatchSink", "EMFSink", "OTLPSink", "DatadogSink", "AWSCore",
    "CloudWatchMetricsTestKit", "MetricsCoreTestKit", "SwiftMetricsBackend", "MetricsLogging", "MetricsServiceLifecycle",
}
PREFIXES = ("CWM", "CCWM")
# Modules of common packages that this machine has no copy of.
ELSEWHERE = {
    "SystemMetrics": "apple/swift-metrics-extras",
    "MetricsTestUtils": "apple/swift-metrics-extras",
    "SotoCore": "soto-project/soto-core",
    "SotoCloudWatch": "soto-project/soto",
    "SotoCloudWatchLogs": "soto-project/soto",
    "SotoSignerV4": "soto-project/soto-core",
    "SotoCrypto": "soto-project/soto-core",
    "AWSCloudWatch": "awslabs/aws-sdk-swift",
    "AWSCloudWatchLogs": "awslabs/aws-sdk-swift",
    "AWSClientRuntime": "awslabs/aws-sdk-swift",
    "AWSSDKIdentity": "awslabs/aws-sdk-swift",
    "ClientRuntime": "smithy-lang/smithy-swift",
    "StatsD": "apple/swift-statsd-client",
    "Lifecycle": "swift-server/swift-service-lifecycle 1.x",
    "LifecycleNIOCompat": "swift-server/swift-service-lifecycle 1.x",
    "Prometheus": "swift-server/swift-prometheus",
}
TARGET = re.compile(r'\.(?:target|systemLibrary|binaryTarget|macro|plugin)\(\s*name:\s*"([^"]+)"')


def our_targets():
    manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True,
                                         capture_output=True, text=True).stdout)
    return sorted(t["name"] for t in manifest["targets"] if t["type"] not in ("test", "executable"))


def newest_tag(repo):
    tags = subprocess.run(["git", "-C", repo, "tag", "--sort=-v:refname"], capture_output=True, text=True).stdout.split()
    return tags[0] if tags else "HEAD"


def copies():
    names = {}
    for repo in sorted(glob.glob("/opt/swift-packages/*/*.git")):
        owner_name = "/".join(repo.rstrip("/").split("/")[-2:])[:-len(".git")]
        text = subprocess.run(["git", "-C", repo, "show", f"{newest_tag(repo)}:Package.swift"],
                              capture_output=True, text=True).stdout
        for name in TARGET.findall(text):
            names.setdefault(name, owner_name)
    return names


def main():
    failures = []
    ours = our_targets()
    for name in ours:
        if name not in KEPT and not name.startswith(PREFIXES):
            failures.append(f"{name}: neither a user-facing module nor prefixed {' or '.join(PREFIXES)}")
    theirs = dict(ELSEWHERE)
    scanned = copies()
    theirs.update(scanned)
    for name in ours:
        if name in theirs:
            failures.append(f"{name}: also a target of {theirs[name]}")
    for failure in failures:
        print(f"check-module-names: {failure}", file=sys.stderr)
    if failures:
        return 1
    where = f"{len(scanned)} target names of the package copies and {len(ELSEWHERE)} of packages elsewhere"
    print(f"check-module-names: {len(ours)} modules, none shared with {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
