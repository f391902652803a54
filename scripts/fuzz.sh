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

# As many harnesses at once as there are cores (each is one process on one
# core): every target still gets its full time, in a fraction of the wall time.
jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
pids=()
failed=0
wait_one() {
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
}
targets=(shared-config aws-error credentials-json sts-xml proc percent-decoding http-date collector-answer encoders agent-arguments)
for target in "${targets[@]}"; do
    binary="$bin/metrics-fuzz"
    [ "$target" = agent-arguments ] && binary="$bin/metrics-agent"
    [ ${#pids[@]} -ge "$jobs" ] && wait_one
    run "$target" "$binary" &
    pids+=($!)
done
while [ ${#pids[@]} -gt 0 ]; do wait_one; done
if [ "$failed" != 0 ]; then
    echo "fuzz: a harness crashed (see above)" >&2
    exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, ${jobs} at a time, no crash" >&2
