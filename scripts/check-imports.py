#!/usr/bin/env python3
"""Checks that the manifest is honest: every module a target's Swift files
import is a declared dependency of that target, and every declared
dependency is imported somewhere in it.

SwiftPM's `--explicit-target-dependency-import-check error` misses modules
that arrive transitively (a target importing `CWMLocking` through
`MetricsCore`'s dependency builds fine without declaring it); this script
compares the `import` lines with `swift package dump-package` directly.

For the root package it also checks README.md's "Layers" list (each
module of a product, and each module those import, is listed once, with
exactly the dependencies Package.swift gives it) and each such module's
header line `// Imports: A, B.`, which must say the same.

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


LAYER = re.compile(r"^- `([A-Za-z0-9_-]+)`: (.*)$")


def readme_layers(root):
    """README.md's "### Layers" list: module -> the modules it names as imported."""
    path = os.path.join(root, "README.md")
    if not os.path.exists(path):
        return None
    layers, inside = {}, False
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                inside = line.strip() == "### Layers"
                continue
            match = LAYER.match(line.rstrip()) if inside else None
            if match:
                named = match.group(2)
                named = "" if named.startswith("nothing") else named.split(" (")[0]
                layers[match.group(1)] = set(re.findall(r"`([A-Za-z0-9_-]+)`", named))
    return layers or None


HEADER = re.compile(r"^// Imports: (.*)$")


def header_problems(root, manifest, modules):
    """Each of `modules` states its imports in one `// Imports: A, B.` line of
    its header (or `nothing of this package.`); the line must name exactly
    what Package.swift gives it."""
    targets = {t["name"]: t for t in manifest["targets"]}
    problems = []
    for name in sorted(modules):
        target = targets.get(name)
        if not target or target["type"] not in ("regular", "executable"):
            continue
        files = [os.path.join(folder, file) for folder, _, names in os.walk(target_path(root, target))
                 for file in names if file.endswith(".swift")]
        if not files:
            continue  # a C target
        stated = []
        for file in files:
            with open(file, encoding="utf-8") as handle:
                stated += [match.group(1) for match in map(HEADER.match, handle) if match]
        if len(stated) != 1:
            problems.append(f"{name}: {len(stated)} '// Imports:' header lines (want one)")
            continue
        text = stated[0].rstrip(".")
        named = set() if text.startswith("nothing") else {part.strip() for part in text.split(",")}
        if named != dependency_names(target):
            problems.append(f"{name}: its header says it imports {sorted(named)}, Package.swift gives "
                            f"{sorted(dependency_names(target))}")
    return problems


def layer_problems(manifest, layers):
    """Differences between README's layers and the manifest, for every
    module a product ships (and what those import)."""
    targets = {t["name"]: t for t in manifest["targets"]}
    shipped, pending = set(), [name for p in manifest["products"] for name in p["targets"]]
    while pending:
        name = pending.pop()
        if name in shipped or name not in targets:
            continue
        shipped.add(name)
        pending.extend(dependency_names(targets[name]))
    problems = [f"README.md Layers: {name} is not listed" for name in sorted(shipped - set(layers))]
    problems += [f"README.md Layers: {name} is listed but ships in no product" for name in sorted(set(layers) - shipped)]
    for name in sorted(shipped & set(layers)):
        declared = dependency_names(targets[name])
        if declared != layers[name]:
            problems.append(f"README.md Layers: {name} imports {sorted(declared)} in Package.swift, "
                            f"{sorted(layers[name])} in README.md")
    return problems


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
    layers = readme_layers(root) if os.path.exists(os.path.join(root, "Sources")) else None
    if layers is not None:
        problems += layer_problems(manifest, layers)
        problems += header_problems(root, manifest, layers)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} manifest mismatch(es): fix Package.swift or the imports")
        return 1
    print(f"manifest and imports agree ({len(manifest['targets'])} targets)"
          + (f"; README.md's layers match ({len(layers)} modules)" if layers else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
