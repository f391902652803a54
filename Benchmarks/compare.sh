#!/usr/bin/env bash
# The SDK beside its peers, from one run: the Peers benchmarks
# (package-benchmark; ours, swift-prometheus, swift-otel, a bare atomic),
# botocore serialising and signing the same PutMetricData request in Python,
# `openssl speed` for SHA-256, and rows of `metrics-bench`: EMF beside
# PutMetricData, OTLP and Datadog histograms (package API the Peers package
# cannot reach), and heap per series measured without package-benchmark's
# malloc interposer (which puts a 16-byte header before every allocation). Prints one table (case, ours, peer,
# ratio) and the issue's targets, and writes both into Docs/performance.md
# between its "compare.sh" markers.
#
# Usage: Benchmarks/compare.sh            full run (about 10 minutes here)
#        Benchmarks/compare.sh --smoke    every case once, tiny sizes, and
#                                         without the swift-otel peer (its
#                                         build is most of the package's); the
#                                         figures mean nothing and the docs
#                                         are left alone (what CI runs)
# Environment: PYTHON (default python3, needs botocore for its row).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
smoke=0
traits=()
if [ "${1:-}" = "--smoke" ]; then smoke=1; traits=(--disable-default-traits); fi
python=${PYTHON:-python3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== building and running the Peers benchmarks (release)" >&2
export BENCHMARK_SMOKE=$smoke
# --disable-sandbox: the benchmark writes its export into $out.
swift package --package-path Benchmarks "${traits[@]}" --disable-sandbox benchmark \
    --target Peers --format influx --path "$out" --no-progress >"$out/benchmark.log" 2>&1 || {
    cat "$out/benchmark.log" >&2
    echo "compare.sh: the benchmark run failed" >&2
    exit 1
}
grep -E "^(Build|Compiling|Linking)" "$out/benchmark.log" | tail -1 >&2 || true
if [ "$smoke" = 1 ]; then
    # facade-bench is run by hand (Docs/performance.md); CI keeps it compiling.
    echo "== building facade-bench (release)" >&2
    swift build --package-path Benchmarks "${traits[@]}" -c release --product facade-bench >&2
fi

botocore_ms=""
if [ "$smoke" = 0 ]; then
    echo "== botocore: serialise + sign one 1000-datum PutMetricData (query)" >&2
    if botocore_line=$("$python" Benchmarks/botocore_put_metric_data.py query 2>/dev/null); then
        botocore_ms=$(echo "$botocore_line" | awk '{print $1}')
    else
        echo "botocore not available to $python: its row stays empty" >&2
    fi
fi

metrics_bench="$out/metrics-bench.txt"
: >"$metrics_bench"
if [ "$smoke" = 0 ]; then
    echo "== metrics-bench: EMF, PutMetricData, OTLP and Datadog encoding (release)" >&2
    swift build -c release --product metrics-bench >&2
    for filter in "emf" "sinks" "heap per live counter series, 10k"; do
        METRICS_BENCH_REPEATS=11 "$(swift build -c release --show-bin-path)/metrics-bench" "$filter" >>"$metrics_bench"
    done
fi

openssl_bps=""
if command -v openssl >/dev/null 2>&1; then
    echo "== openssl speed -evp sha256 (16 KiB blocks)" >&2
    seconds=3; [ "$smoke" = 1 ] && seconds=1
    # The last line holds bytes per second (in thousands) per block size; the 16384-byte column is the last.
    openssl_bps=$(openssl speed -seconds "$seconds" -bytes 16384 -evp sha256 2>/dev/null \
        | awk '/^sha256|^SHA256/ {v=$NF} END {sub(/k$/, "", v); if (v != "") printf "%.0f", v * 1000}')
fi

machine="$(uname -m), $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown), Swift $(swift --version 2>/dev/null | awk '/Swift version/ {print $3; exit}')"
"$python" Benchmarks/compare.py \
    --influx "$(ls "$out"/*.influx.csv | head -1)" \
    --botocore-ms "$botocore_ms" --openssl-bytes-per-second "$openssl_bps" \
    --metrics-bench "$metrics_bench" \
    --machine "$machine" --smoke "$smoke" \
    --docs "$root/Docs/performance.md"
