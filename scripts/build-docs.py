#!/usr/bin/env python3
"""Builds the API documentation of every library product as DocC archives,
with the toolchain's own `docc` (no package dependency, no plugin), and
fails on anything undocumented.

    scripts/build-docs.py            # the modules of this package's own build
    scripts/build-docs.py --traits   # the modules behind traits, from Examples/Ecosystem

It reads the symbol graphs that scripts/public-api.py extracted into
`.build/public-api` (run it first, as the surface and integrations steps do) and each module's catalog,
`Sources/<Module>/<Module>.docc`, and writes `.build/docs/<Module>.doccarchive`.
It fails when

  - a public symbol has no documentation: neither a comment of its own nor
    the one of the protocol requirement it implements (which DocC shows);
  - a module has no catalog;
  - docc warns (a link to a symbol that does not exist, a parameter that
    the comment names but the declaration lacks): warnings are errors.

Open an archive with `docc preview Sources/<Module>/<Module>.docc
--additional-symbol-graph-dir <the module's graphs>`, or serve it statically
(`docc process-archive transform-for-static-hosting`).
"""
import concurrent.futures
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("public_api", os.path.join(ROOT, "scripts", "public-api.py"))
public_api = importlib.util.module_from_spec(spec)
spec.loader.exec_module(public_api)


def graphs_of(folder, module):
    return [path for path in [os.path.join(folder, f"{module}.symbols.json")] +
            glob.glob(os.path.join(folder, f"{module}@*.symbols.json")) if os.path.exists(path)]


def undocumented(paths):
    """Public symbols with no comment of their own and none to inherit."""
    missing = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            graph = json.load(handle)
        inherits = {relation["source"] for relation in graph["relationships"] if relation.get("sourceOrigin")}
        for symbol in graph["symbols"]:
            precise = symbol["identifier"]["precise"]
            if "::SYNTHESIZED::" in precise or symbol.get("accessLevel") not in ("public", "open"):
                continue
            if not symbol.get("docComment") and precise not in inherits:
                location = symbol.get("location", {})
                where = location.get("uri", "").replace(f"file://{ROOT}/", "")
                line = location.get("position", {}).get("line", -1) + 1
                missing.append(f"{where}:{line}: {'.'.join(symbol['pathComponents'])}")
    return missing


def document(module, folder, output):
    """Builds one module's archive; returns its failures."""
    paths = graphs_of(folder, module)
    failures = [f"{module}: undocumented: {item}" for item in undocumented(paths)]
    catalog = os.path.join(ROOT, "Sources", module, f"{module}.docc")
    if not os.path.isdir(catalog):
        return failures + [f"{module}: no catalog at Sources/{module}/{module}.docc"]
    with tempfile.TemporaryDirectory() as graphs:
        for path in paths:
            shutil.copy(path, graphs)
        archive = os.path.join(output, f"{module}.doccarchive")
        result = subprocess.run(
            ["docc", "convert", catalog, "--additional-symbol-graph-dir", graphs,
             "--fallback-display-name", module,
             "--fallback-bundle-identifier", f"swift-cloudwatch-metrics.{module}",
             "--output-path", archive, "--warnings-as-errors"],
            capture_output=True, text=True)
    if result.returncode != 0:
        diagnostics = [line for line in (result.stderr + result.stdout).splitlines()
                       if "warning:" in line or "error:" in line]
        failures += [f"{module}: docc: {line.strip()}" for line in diagnostics] or [f"{module}: docc failed"]
    return failures


def main():
    traits = "--traits" in sys.argv[1:]
    modules, gated = public_api.library_modules()
    modules = sorted(gated) if traits else [module for module in modules if module not in gated]
    base = os.path.join(ROOT, "Examples", "Ecosystem") if traits else ROOT
    folder = os.path.join(base, ".build", "public-api")
    if not os.path.isdir(folder):
        sys.exit("build-docs: no symbol graphs: run scripts/public-api.py"
                 + (" --traits" if traits else "") + " first")
    output = os.path.join(ROOT, ".build", "docs")
    os.makedirs(output, exist_ok=True)
    # One docc per core: each module's archive is independent of the others.
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(lambda module: document(module, folder, output), modules))
    failures = [failure for result in results for failure in result]
    for failure in failures:
        print(f"build-docs: {failure}", file=sys.stderr)
    if failures:
        return 1
    print(f"build-docs: {len(modules)} modules documented, archives in .build/docs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
