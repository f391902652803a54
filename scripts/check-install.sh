#!/usr/bin/env bash
# Checks README.md's install lines as a new user meets them: a consumer
# package made of the "## Install" block, word for word except that the
# repository's URL points at a local clone of this commit (same last path
# component, so the same package identity), tagged with the version of
# CHANGELOG.md. The consumer resolves `from: "<version>"` to that tag, and
# builds and runs a program importing every product the block names.
#
# Then the install lines with traits (Docs/swift-metrics-and-swift-log.md's
# manifest block; getting-started.md's must be lines of it): a second
# consumer made of that block resolves by URL to this package and exactly
# the three dependencies its traits bring, and each of its product lines
# and its traits are those Examples/Ecosystem builds and tests (that
# package depends on this one by path; the integrations step builds it).
#
# Usage: scripts/check-install.sh [--resolve-only]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

version=$(python3 scripts/check-version.py)
block=$(python3 - <<'PY'
import re
text = open("README.md", encoding="utf-8").read()
section = text.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
print(re.search(r"```swift\n(.*?)```", section, re.S).group(1), end="")
PY
)
# The traits block, after checking getting-started's lines against it and
# its product lines and traits against Examples/Ecosystem/Package.swift.
traits_block=$(python3 - <<'PY'
import re, sys
def manifest_blocks(path):
    text = open(path, encoding="utf-8").read()
    return [b for b in re.findall(r"```swift\n(.*?)```", text, re.S) if "traits: [" in b and "swift-cloudwatch-metrics.git" in b]
def lines(block):
    return [" ".join(l.split()) for l in block.splitlines() if l.strip() and not l.strip().startswith("//")]
guide = manifest_blocks("Docs/swift-metrics-and-swift-log.md")
if len(guide) != 1:
    sys.exit(f"check-install: Docs/swift-metrics-and-swift-log.md has {len(guide)} manifest blocks with traits, not 1")
block = guide[0]
joined = " ".join(lines(block))
for other in manifest_blocks("Docs/getting-started.md"):
    other_joined = " ".join(lines(other))
    for line in lines(other):
        if line.rstrip(",") not in joined:
            sys.exit(f"check-install: getting-started.md's install line '{line}' is not in the swift-metrics guide's block")
ecosystem = " ".join(open("Examples/Ecosystem/Package.swift", encoding="utf-8").read().split())
ecosystem = ecosystem.replace("package: sdk)", 'package: "swift-cloudwatch-metrics")')
for line in lines(block):
    if line.startswith(".product(") and line.rstrip(",") not in ecosystem:
        sys.exit(f"check-install: Examples/Ecosystem does not build the documented line '{line}'")
traits = re.search(r"traits: (\[[^\]]*\])", block).group(1)
if f'path: "../..", traits: {traits}' not in ecosystem:
    sys.exit(f"check-install: Examples/Ecosystem does not depend on this package with the documented traits {traits}")
print(block, end="")
PY
)
url=$(grep -o 'https://[^"]*swift-cloudwatch-metrics\.git' <<<"$block" | head -1)
products=$(grep -o 'product(name: "[A-Za-z]*"' <<<"$block" | sed 's/.*"\(.*\)"/\1/')
[ -n "$url" ] && [ -n "$products" ] || { echo "check-install: no URL or no product in README's install block" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The package as its URL would serve it: this commit, tagged.
git clone -q "$root" "$work/swift-cloudwatch-metrics"
git -C "$work/swift-cloudwatch-metrics" -c user.name=check -c user.email=check@localhost tag "$version"

# A consumer package in folder $1 whose manifest is the install block $2,
# word for word but for the URL, which points at the tagged clone.
make_consumer() {
    mkdir -p "$1/Sources/MyService"
    {
        echo '// swift-tools-version:6.1'
        echo 'import PackageDescription'
        echo 'let package = Package('
        echo "    name: \"$(basename "$1")\","
        echo '    platforms: [.macOS(.v15)],'
        sed "s#$url#file://$work/swift-cloudwatch-metrics#" <<<"$2" | sed 's/^\]$/],/'
        echo ')'
    } >"$1/Package.swift"
}
# What the consumer in folder $1 resolved: identity@version, in its Package.resolved's order.
pins() {
    python3 -c 'import json,sys; pins=json.load(open(sys.argv[1]))["pins"]; print(" ".join(p["identity"]+"@"+p["state"].get("version","?") for p in pins))' "$1/Package.resolved"
}

consumer="$work/consumer"
make_consumer "$consumer" "$block"
{
    for product in $products; do echo "import $product"; done
    echo 'print("the install lines resolve and build")'
} >"$consumer/Sources/MyService/main.swift"

swift package --package-path "$consumer" resolve
resolved=$(pins "$consumer")
if [ "$resolved" != "swift-cloudwatch-metrics@$version" ]; then
    echo "check-install: the consumer resolved '$resolved', not swift-cloudwatch-metrics@$version alone" >&2
    exit 1
fi
# The traits consumer: resolved by URL, never built here (Examples/Ecosystem
# builds the same lines by path).
traits_consumer="$work/traits-consumer"
make_consumer "$traits_consumer" "$traits_block"
echo 'print("unused")' >"$traits_consumer/Sources/MyService/main.swift"
swift package --package-path "$traits_consumer" resolve
traits_resolved=$(pins "$traits_consumer" | tr ' ' '\n' | sed 's/@.*//' | sort | paste -sd ' ')
for identity in swift-cloudwatch-metrics swift-metrics swift-log swift-service-lifecycle; do
    if [[ " $traits_resolved " != *" $identity "* ]]; then
        echo "check-install: the install lines with traits resolved '$traits_resolved', without $identity" >&2
        exit 1
    fi
done

if [ "${1:-}" = "--resolve-only" ]; then
    echo "check-install: README's install lines resolve to swift-cloudwatch-metrics $version; with traits, to $traits_resolved"
    exit 0
fi
swift run --package-path "$consumer" MyService
echo "check-install: README's install lines resolve to swift-cloudwatch-metrics $version, build and run; with traits, they resolve to $traits_resolved"
