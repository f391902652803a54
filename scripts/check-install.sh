#!/usr/bin/env bash
# Checks README.md's install lines as a new user meets them: a consumer
# package made of the "## Install" block, word for word except that the
# repository's URL points at a local clone of this commit (same last path
# component, so the same package identity), tagged with the version of
# CHANGELOG.md. The consumer resolves `from: "<version>"` to that tag, and
# builds and runs a program importing every product the block names.
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
url=$(grep -o 'https://[^"]*swift-cloudwatch-metrics\.git' <<<"$block" | head -1)
products=$(grep -o 'product(name: "[A-Za-z]*"' <<<"$block" | sed 's/.*"\(.*\)"/\1/')
[ -n "$url" ] && [ -n "$products" ] || { echo "check-install: no URL or no product in README's install block" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The package as its URL would serve it: this commit, tagged.
git clone -q "$root" "$work/swift-cloudwatch-metrics"
git -C "$work/swift-cloudwatch-metrics" -c user.name=check -c user.email=check@localhost tag "$version"

consumer="$work/consumer"
mkdir -p "$consumer/Sources/MyService"
{
    echo '// swift-tools-version:6.0'
    echo 'import PackageDescription'
    echo 'let package = Package('
    echo '    name: "consumer",'
    echo '    platforms: [.macOS(.v15)],'
    sed "s#$url#file://$work/swift-cloudwatch-metrics#" <<<"$block" | sed 's/^\]$/],/'
    echo ')'
} >"$consumer/Package.swift"
{
    for product in $products; do echo "import $product"; done
    echo 'print("the install lines resolve and build")'
} >"$consumer/Sources/MyService/main.swift"

swift package --package-path "$consumer" resolve
resolved=$(python3 -c 'import json,sys; pins=json.load(open(sys.argv[1]))["pins"]; print(" ".join(p["identity"]+"@"+p["state"].get("version","?") for p in pins))' "$consumer/Package.resolved")
if [ "$resolved" != "swift-cloudwatch-metrics@$version" ]; then
    echo "check-install: the consumer resolved '$resolved', not swift-cloudwatch-metrics@$version alone" >&2
    exit 1
fi
if [ "${1:-}" = "--resolve-only" ]; then
    echo "check-install: README's install lines resolve to swift-cloudwatch-metrics $version"
    exit 0
fi
swift run --package-path "$consumer" MyService
echo "check-install: README's install lines resolve to swift-cloudwatch-metrics $version, build and run"
