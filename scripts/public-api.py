#!/usr/bin/env python3
"""The public API of every library product, one declaration per line, in
`api/<Module>.txt` (the habit swift-nio keeps with its API-breakage check:
every change of the public surface is deliberate and visible in review).

    scripts/public-api.py                    # write the listings
    scripts/public-api.py --check            # CI: fail if the code's API differs from the listings
    scripts/public-api.py --traits [--check] # the same for the modules behind traits

The symbols come from `swift symbolgraph-extract` run on the debug build's
modules (public and open only; the default implementations the compiler
synthesises from standard library protocols are left out). A module whose
dependency is behind a trait is empty in this package's own build: its
listing comes from `--traits`, which extracts it from Examples/Ecosystem's
build (that package enables every trait; build it first, as the
integrations step does).
"""
import difflib
import glob
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LISTINGS = os.path.join(ROOT, "api")


def run(*arguments):
    return subprocess.run(arguments, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def library_modules():
    """Every library product's modules, and those among them behind a trait."""
    manifest = json.loads(run("swift", "package", "dump-package"))
    modules = set()
    for product in manifest["products"]:
        if "library" in product["type"]:
            modules.update(product["targets"])
    gated = set()
    for target in manifest["targets"]:
        for dependency in target.get("dependencies", []):
            for value in dependency.values():
                condition = value[-1] if isinstance(value, list) and value else None
                if isinstance(condition, dict) and condition.get("traits"):
                    gated.add(target["name"])
    return sorted(modules), gated & modules


def extract_symbol_graphs(root, modules, folder):
    """Extracts the symbol graphs of `modules` from the debug build under
    `root` (a package folder) into `folder`, with swift-symbolgraph-extract
    directly: a second of work, where dump-symbol-graph takes half a minute
    to do the same for every target, tests included."""
    build = os.path.join(root, ".build", "debug")
    if not os.path.isdir(os.path.join(build, "Modules")):
        sys.exit(f"public-api: no debug build under {os.path.relpath(root, ROOT)}: build it first")
    # Anew each time: a graph left by a module that moved (an extension's
    # `Module@Extended.symbols.json`) would list what the code no longer has.
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    # The C modules the Swift modules import, by the module maps SwiftPM made.
    maps = glob.glob(os.path.join(build, "CCWM*.build", "module.modulemap"))
    maps += glob.glob(os.path.join(ROOT, "Sources", "CCWM*", "module.modulemap"))
    triple = json.loads(run("swift", "-print-target-info"))["target"]["triple"]
    for module in modules:
        command = ["swift", "symbolgraph-extract", "-module-name", module, "-I", os.path.join(build, "Modules"),
                   "-target", triple, "-output-dir", folder, "-minimum-access-level", "public"]
        for path in maps:
            command += ["-Xcc", f"-fmodule-map-file={path}"]
        run(*command)
    return folder


def declaration(symbol):
    text = "".join(fragment["spelling"] for fragment in symbol.get("declarationFragments", []))
    return re.sub(r"\s+", " ", text).strip()


def listing(folder, module):
    lines = set()
    for path in [os.path.join(folder, f"{module}.symbols.json")] + glob.glob(os.path.join(folder, f"{module}@*.symbols.json")):
        with open(path, encoding="utf-8") as handle:
            graph = json.load(handle)
        extended = os.path.basename(path)[len(module) + 1:-len(".symbols.json")]
        for symbol in graph["symbols"]:
            if "::SYNTHESIZED::" in symbol["identifier"]["precise"]:
                continue
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            where = ".".join(symbol["pathComponents"][:-1])
            prefix = f"[extends {extended}] " if extended else ""
            lines.add(f"{prefix}{where + ': ' if where else ''}{declaration(symbol)}")
    return sorted(lines)


def main():
    check = "--check" in sys.argv[1:]
    traits = "--traits" in sys.argv[1:]
    modules, gated = library_modules()
    if traits:
        # The modules behind traits are empty in this package's own build:
        # Examples/Ecosystem builds them with every trait on.
        print("public-api: extracting the trait modules' symbol graphs...", file=sys.stderr)
        ecosystem = os.path.join(ROOT, "Examples", "Ecosystem")
        folder = extract_symbol_graphs(ecosystem, sorted(gated), os.path.join(ecosystem, ".build", "public-api"))
    else:
        # The same flags as the test build (scripts/test.sh exports them), so
        # this build is the test build's, and does nothing when it is fresh.
        print("public-api: building, then extracting symbol graphs...", file=sys.stderr)
        flags = os.environ.get("METRICS_SWIFT_FLAGS", "").split()
        run("swift", "build", *flags)
        folder = extract_symbol_graphs(ROOT, [m for m in modules if m not in gated],
                                       os.path.join(ROOT, ".build", "public-api"))
    failures = 0
    wanted = {f"{module}.txt" for module in modules}
    for module in modules:
        if (module in gated) != traits:
            continue
        name = f"{module}.txt"
        text = "\n".join(listing(folder, module)) + "\n"
        path = os.path.join(LISTINGS, name)
        if check:
            committed = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
            if committed != text:
                failures += 1
                print(f"public API of {module} differs from api/{name}:")
                sys.stdout.writelines(difflib.unified_diff(
                    committed.splitlines(True), text.splitlines(True), f"api/{name} (committed)", f"{module} (code)"))
        else:
            os.makedirs(LISTINGS, exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            print(f"api/{name}: {text.count(chr(10))} declarations")
    stale = {os.path.basename(p) for p in glob.glob(os.path.join(LISTINGS, "*.txt"))} - wanted
    for name in sorted(stale):
        if check:
            failures += 1
            print(f"api/{name} lists a module that is no longer a library product")
        else:
            os.remove(os.path.join(LISTINGS, name))
    if check:
        if failures:
            print("The public API changed: if that is deliberate, run scripts/public-api.py and commit api/.")
            return 1
        checked = len(gated) if traits else len(modules) - len(gated)
        print(f"public API matches api/ ({checked} modules{' behind traits' if traits else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
