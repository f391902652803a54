#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer, SECONDS seconds each
# (default 60; CI runs 20): shared config files, AWS error bodies (JSON and
# XML), credential JSON, STS XML, /proc and cgroup files, percent-decoding
# in the signer, HTTP dates, OTLP collectors' answers, and metrics-agent's
# arguments.
#
#   scripts/fuzz.sh [seconds]
#
# Builds into .build-fuzz with -sanitize=fuzzer,address and -DFUZZING (which
# swaps each harness's `main` for libFuzzer's). Seeds are in Fuzz/corpus/;
# new interesting inputs go to a scratch corpus, not into the repository.
# A crash stops the script with status 1 and leaves the input in
# .build-fuzz/crashes/; add it under Fuzz/regressions/TARGET/ and the test
# suite replays it for good (FuzzRegressionTests).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
scratch=.build-fuzz
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --scratch-path "$scratch")

echo "== building the fuzz harnesses" >&2
swift build "${flags[@]}" --product metrics-fuzz 2>&1 | grep -v "Cannot export local symbol" >&2
swift build "${flags[@]}" --product metrics-agent 2>&1 | grep -v "Cannot export local symbol" >&2
bin="$(swift build "${flags[@]}" --show-bin-path)"
mkdir -p "$scratch/crashes"

run() {  # target, binary
    local target="$1" binary="$2" work="$scratch/corpus/$1"
    mkdir -p "$work"
    echo "== fuzzing $target for ${seconds} s" >&2
    if ! METRICS_FUZZ_TARGET="$target" "$binary" "$work" "Fuzz/corpus/$target" \
            -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
            -artifact_prefix="$scratch/crashes/$target-" -print_final_stats=1 2> "$scratch/$target.log"; then
        tail -n 40 "$scratch/$target.log" >&2
        echo "fuzz: $target crashed; the input is in $scratch/crashes/" >&2
        exit 1
    fi
    grep -E "^stat::number_of_executed_units|^Done" "$scratch/$target.log" | tr '\n' ' ' >&2; echo >&2
}

for target in shared-config aws-error credentials-json sts-xml proc percent-decoding http-date collector-answer; do
    run "$target" "$bin/metrics-fuzz"
done
run agent-arguments "$bin/metrics-agent"
echo "fuzz: 9 targets, ${seconds} s each, no crash" >&2
