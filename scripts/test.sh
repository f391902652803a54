#!/usr/bin/env bash
# The package's tests, in three tiers (README.md, "The two commands"):
#
#   swift test                 unit: the toolchain and the system's python3
#                              alone; suites needing a server are skipped
#   scripts/test.sh            default: unit surface examples
#   scripts/test.sh --all      everything, as CI runs it (.ci/run)
#   scripts/test.sh STEP ...   the named steps only, e.g. scripts/test.sh tsan fuzz
#
# Steps:
#   unit          every test, warnings as errors, against moto (installed into
#                 .venv-test from the pinned scripts/requirements-test.txt,
#                 started on 127.0.0.1 with signature checks, stopped after)
#                 and the OTLP/Datadog receiver (scripts/with-moto.sh)
#   surface       the manifest against every target's imports, module names
#                 that no common package uses, the public API against api/
#                 and its DocC archives (every public symbol documented,
#                 docc warnings as errors), every documented example present in Examples/,
#                 one version in CHANGELOG.md, the agent and the install lines,
#                 every benchmark figure in the docs one of Docs/performance.md
#   examples      the Examples/ package built, tested and run from outside
#                 this package, as a user's code is; README's install lines
#                 resolved (from a tagged clone) and built in a consumer
#   chaos         the chaos test for METRICS_CHAOS_SECONDS (default 30): writer
#                 threads, folding, expiry, flushes, a sink failing at random
#                 and a shutdown racing it; every observation accounted for
#   tsan          the concurrency suites again under ThreadSanitizer (the
#                 chaos test for 10 s)
#   fuzz          every fuzz harness, FUZZ_SECONDS each (default 15)
#   integrations  Examples/Ecosystem built and tested: the SDK with its three
#                 traits beside swift-metrics, swift-log, service-lifecycle,
#                 swift-crypto, swift-prometheus and Hummingbird
#   localstack    the CloudWatch and EMF integration tests against LocalStack
#                 (.venv-localstack, from scripts/requirements-localstack.txt)
#   bench         Benchmarks/compare.sh --smoke: every benchmark once at tiny
#                 sizes (nothing timed), without the swift-otel peer
#   static        the agent's static build: linked with the toolchain alone,
#                 run (--version, a 2 s dry run), no libcurl or
#                 FoundationNetworking among its dependencies
#
# METRICS_TEST_REQUIRED=1 is set in every step: a suite that needs a server,
# the receiver or python3 fails when it is missing instead of skipping.
# Needs the Swift toolchain, python3 with venv and pip, zlib's headers and
# libcurl 4 (README.md, "What the tests need").
set -euo pipefail
cd "$(dirname "$0")/.."

default_steps=(unit surface examples)
all_steps=(unit surface examples chaos tsan fuzz integrations localstack bench static)

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
}

steps=()
for argument in "$@"; do
    case "$argument" in
        --all) steps+=("${all_steps[@]}") ;;
        -h|--help) usage; exit 0 ;;
        *)
            if [[ " ${all_steps[*]} " == *" $argument "* ]]; then
                steps+=("$argument")
            else
                echo "test.sh: unknown step '$argument' (steps: ${all_steps[*]}; or --all)" >&2
                exit 2
            fi ;;
    esac
done
[ ${#steps[@]} -eq 0 ] && steps=("${default_steps[@]}")

export METRICS_TEST_REQUIRED=1
# One set of flags for every build, test and run of a package, so that no
# step rebuilds what another built (public-api.py reads it too).
export METRICS_SWIFT_FLAGS="-Xswiftc -warnings-as-errors"
# shellcheck disable=SC2206
flags=($METRICS_SWIFT_FLAGS)

step_unit() {
    # The chaos test keeps every core busy: it has a step of its own.
    scripts/with-moto.sh swift test "${flags[@]}" --skip ChaosTests
}

step_chaos() {
    METRICS_CHAOS_SECONDS="${METRICS_CHAOS_SECONDS:-30}" swift test "${flags[@]}" --filter ChaosTests
}

step_surface() {
    python3 scripts/check-imports.py
    python3 scripts/check-module-names.py
    python3 scripts/public-api.py --check
    python3 scripts/build-docs.py
    python3 scripts/check-doc-examples.py
    python3 scripts/check-version.py >/dev/null
    python3 scripts/check-figures.py
}

step_examples() {
    swift build --package-path Examples --build-tests "${flags[@]}"
    swift test --package-path Examples --skip-build
    swift run --package-path Examples --skip-build DocExamples
    scripts/check-install.sh
}

step_tsan() {
    # Two runs of one build. The export pipeline's shutdown-deadline tests
    # time a 1 s deadline, so they run apart from AWSCore's CPU-heavy vector
    # suites, which under TSan keep both cooperative threads of a 2-core
    # machine busy and delay the deadline's timer (measured: 6 to 7 s instead
    # of 1 s). HashTests is left out: single-threaded hashing of 415 vectors,
    # ~40 s under TSan, with nothing concurrent in it to check.
    export TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}"
    swift build --build-tests --sanitize=thread --scratch-path .build-tsan
    swift test --skip-build --sanitize=thread --scratch-path .build-tsan \
        --filter 'MetricsCoreTests|SinksTests|ExportPipelineTests' --skip ChaosTests
    METRICS_CHAOS_SECONDS=10 swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter ChaosTests
    swift test --skip-build --sanitize=thread --scratch-path .build-tsan \
        --filter 'AWSCoreTests|CloudWatchSinkTests|EMFSinkTests|OTLPSinkTests|DatadogSinkTests' --skip 'HashTests'
}

step_fuzz() {
    scripts/fuzz.sh "${FUZZ_SECONDS:-15}"
}

step_integrations() {
    swift build --package-path Examples/Ecosystem --build-tests
    swift test --package-path Examples/Ecosystem --skip-build
    python3 scripts/public-api.py --traits --check
    python3 scripts/build-docs.py --traits
}

step_localstack() {
    if [ -n "${localstack_install:-}" ]; then
        echo "test.sh: waiting for the LocalStack install started at the beginning" >&2
        if ! wait "$localstack_install"; then
            cat "$localstack_log" >&2
            echo "test.sh: installing LocalStack failed" >&2
            return 1
        fi
        localstack_install=""
    fi
    # One test at a time: LocalStack serves requests slowly when many arrive
    # at once. LocalStack checks no signatures and issues no assumed-role
    # credentials, so the tests of those are named here and not run; every
    # other test of these suites must pass.
    scripts/with-moto.sh scripts/with-localstack.sh \
        swift test "${flags[@]}" --no-parallel \
        --filter 'CloudWatchIntegrationTests|EMFIntegrationTests|IntegrationSetup' \
        --skip '/wrongSecret\(\)|/sessionToken\(\)'
}

step_bench() {
    Benchmarks/compare.sh --smoke
}

step_static() {
    swift build -c release --static-swift-stdlib --scratch-path .build-static --product metrics-agent
    local agent=.build-static/release/metrics-agent
    "$agent" --version
    if ldd "$agent" 2>/dev/null | grep -E 'libcurl|FoundationNetworking'; then
        echo "test.sh: the static agent links libcurl or FoundationNetworking (it must load libcurl at run time)" >&2
        return 1
    fi
    if readelf -d "$agent" | grep NEEDED | grep -E 'libcurl|FoundationNetworking|libswift'; then
        echo "test.sh: the static agent needs a shared library it should not" >&2
        return 1
    fi
    # README.md lists what the image must have: exactly the libraries the
    # binary is linked with, each found here.
    local needed documented
    needed=$(readelf -d "$agent" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
    documented=$(tr '\n' ' ' <README.md | sed -n 's/.*<!-- agent-needs -->\(.*\)<!-- \/agent-needs -->.*/\1/p' \
        | grep -o '`[^`]*`' | tr -d '`' | sort | tr '\n' ' ')
    if [ "$needed" != "$documented" ]; then
        echo "test.sh: the static agent needs [$needed]; README.md lists [$documented]" >&2
        return 1
    fi
    if ldd "$agent" | grep 'not found'; then
        echo "test.sh: a shared library of the static agent is missing here" >&2
        return 1
    fi
    # A dry run of 1-second periods until its second window (at most 30 s):
    # it must print the table and exit 0 on SIGINT.
    local out status
    out=$(mktemp)
    "$agent" --dry-run --period 1 >"$out" 2>&1 &
    local pid=$!
    for _ in $(seq 1 300); do
        [ "$(grep -c '^CPUUtilization ' "$out")" -ge 2 ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -INT "$pid" 2>/dev/null || true
    status=0
    wait "$pid" || status=$?
    if [ "$status" != 0 ] || [ "$(grep -c '^CPUUtilization ' "$out")" -lt 2 ]; then
        cat "$out" >&2
        rm -f "$out"
        echo "test.sh: the static agent's dry run failed (exit $status)" >&2
        return 1
    fi
    rm -f "$out"
    echo "the static agent runs; its shared libraries: $(readelf -d "$agent" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
}

started=$SECONDS
summary=()
# LocalStack's install (about 80 s, mostly download and unpacking) goes on
# in the background while the steps before it build.
localstack_install=""
if [[ " ${steps[*]} " == *" localstack "* ]] && [ "${steps[0]}" != localstack ]; then
    localstack_log=$(mktemp)
    scripts/with-localstack.sh --install-only >"$localstack_log" 2>&1 &
    localstack_install=$!
    # A run that fails before the LocalStack step stops the install too (its
    # stamp is written last, so the next run installs again).
    trap '[ -n "$localstack_install" ] && kill "$localstack_install" 2>/dev/null; rm -f "$localstack_log"' EXIT
fi
for step in "${steps[@]}"; do
    echo "== test.sh: $step" >&2
    step_started=$SECONDS
    "step_$step"
    summary+=("$step $((SECONDS - step_started))s")
done

echo "== test.sh: passed in $((SECONDS - started))s: ${summary[*]}" >&2
not_run=()
for step in "${all_steps[@]}"; do
    [[ " ${steps[*]} " == *" $step "* ]] || not_run+=("$step")
done
if [ ${#not_run[@]} -gt 0 ]; then
    echo "== test.sh: not run: ${not_run[*]} (scripts/test.sh --all runs everything, as CI does; or name steps: scripts/test.sh ${not_run[0]})" >&2
fi
