#!/usr/bin/env bash
# Overhead of metrics-agent at its default sampling rate (0.9 s): CPU used
# (user + system, from /proc/PID/stat) over the run as a percentage of one
# core, and peak resident memory (VmHWM), split into the agent's own
# (anonymous) memory and file-backed pages of the binary and shared libraries.
#
# Usage: Benchmarks/agent_overhead.sh [seconds] [agent arguments...]
#   seconds            default 60
#   agent arguments    default: --dry-run --period 60
# Environment: AGENT=path/to/metrics-agent measures that binary instead of a
# fresh release build (e.g. one built with --static-swift-stdlib).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
if [ "$#" -eq 0 ]; then set -- --dry-run --period 60; fi
if [ -z "${AGENT:-}" ]; then
    swift build -c release --product metrics-agent >/dev/null
    AGENT=.build/release/metrics-agent
fi
"$AGENT" "$@" >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
sleep 1   # let it start; the measurement below covers the steady state
ticks_per_second=$(getconf CLK_TCK)
read_cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
start_cpu=$(read_cpu)
start_time=$(date +%s.%N)
sleep "$seconds"
end_cpu=$(read_cpu)
end_time=$(date +%s.%N)
kill -0 "$pid"   # still running, or the figures mean nothing
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
anon_kb=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")
file_kb=$(awk '/RssFile/ {print $2}' "/proc/$pid/status")
pss_kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
trap - EXIT
echo "agent: $AGENT $*; exit status after SIGTERM: $status"
awk -v c0="$start_cpu" -v c1="$end_cpu" -v t0="$start_time" -v t1="$end_time" -v hz="$ticks_per_second" \
    -v peak="$peak_kb" -v anon="$anon_kb" -v file="$file_kb" -v pss="$pss_kb" 'BEGIN {
        cpu = (c1 - c0) / hz; wall = t1 - t0
        printf "%.0f s at the default sampling rate: CPU %.3f s = %.3f %% of one core\n", wall, cpu, 100 * cpu / wall
        printf "peak RSS %.1f MB; at the end: anonymous %.1f MB + file-backed %.1f MB (PSS %.1f MB)\n",
               peak / 1024, anon / 1024, file / 1024, pss / 1024 }'
