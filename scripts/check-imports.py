#!/usr/bin/env python3
"""Checks that the manifest is honest: every module a target's Swift files
import is a declared dependency of that target, and every declared
dependency is imported somewhere in it.

SwiftPM's `--explicit-target-dependency-import-check error` misses modules
that arrive transitively (a target importing `CWMLocking` through
`MetricsCore`'s dependency builds fine without declaring it); this script
compares the `import` lines with `swift package dump-package` directly.

Usage: scripts/check-imports.py [package directory]   (exit 1 on a mismatch)
"""
import json
import os
import re
import subprocess
import sys

# Modules of the toolchain and the system, never declared in a manifest.
SYSTEM = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Dispatch",
    "Glibc", "Musl", "Darwin", "Android", "WinSDK", "ucrt", "CRT", "Synchronization",
    "Testing", "XCTest", "_Concurrency", "_StringProcessing", "Observation", "os", "Swift",
}
IMPORT = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?"
    r"([A-Za-z_][A-Za-z0-9_]*)")


def dependency_names(target):
    names = set()
    for dependency in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dependency:
                names.add(dependency[kind][0])
    return names


def target_path(root, target):
    if target.get("path"):
        return os.path.join(root, target["path"])
    folder = "Tests" if target["type"] == "test" else "Sources"
    return os.path.join(root, folder, target["name"])


def imports_of(path):
    found = {}
    for folder, _, files in os.walk(path):
        for name in files:
            if not name.endswith(".swift"):
                continue
            file = os.path.join(folder, name)
            with open(file, encoding="utf-8") as handle:
                for line in handle:
                    match = IMPORT.match(line)
                    if match:
                        found.setdefault(match.group(1), file)
    return found


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    manifest = json.loads(subprocess.run(
        ["swift", "package", "--package-path", root, "dump-package"],
        check=True, capture_output=True, text=True).stdout)
    # A product or target of a package dependency may be imported under its
    # own name; C targets and system libraries have module names = target names.
    executables = {t["name"] for t in manifest["targets"] if t["type"] == "executable"}
    problems = []
    for target in manifest["targets"]:
        if target["type"] in ("system", "binary", "plugin", "macro"):
            continue
        imported = imports_of(target_path(root, target))
        if not imported:
            continue  # a C target
        declared = dependency_names(target)
        name = target["name"]
        for module, file in sorted(imported.items()):
            if module in SYSTEM or module == name.replace("-", "_"):
                continue
            if module not in declared and module.replace("_", "-") not in declared:
                problems.append(f"{name}: imports {module} ({os.path.relpath(file, root)}) without declaring it")
        modules = {module.replace("_", "-") for module in imported} | set(imported)
        for dependency in sorted(declared):
            # A test may depend on an executable only to have it built and run it.
            if dependency not in modules and dependency not in executables:
                problems.append(f"{name}: declares {dependency} but no file imports it")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} manifest mismatch(es): fix Package.swift or the imports")
        return 1
    print(f"manifest and imports agree ({len(manifest['targets'])} targets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
