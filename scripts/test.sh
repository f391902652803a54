#!/usr/bin/env bash
# Every test of the package, as CI runs it:
#   1. the whole test suite, built with warnings as errors, against a real
#      AWS-compatible server (moto) that scripts/with-moto.sh installs into
#      .venv-test, starts on 127.0.0.1, and stops afterwards;
#   2. the concurrency tests again under ThreadSanitizer (own build folder):
#      the core, the sinks, the export pipeline, AWSCore (credential cache,
#      curl cancellation, transports) and CloudWatchSink;
#   3. a short run of every fuzz harness (scripts/fuzz.sh; 20 s each in CI),
#      so the harnesses cannot rot.
# Needs only the Swift toolchain, python3 and pip (network access to PyPI on
# the first run).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== tests (warnings are errors), against moto" >&2
scripts/with-moto.sh swift test -Xswiftc -warnings-as-errors

echo "== concurrency tests under ThreadSanitizer" >&2
# HashTests is left out: it is single-threaded hashing of 415 vectors, which
# under TSan keeps both of a 2-core machine's cooperative threads busy for
# ~40 s and so starves the timing of the shutdown tests running beside it.
TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}" swift test --sanitize=thread --scratch-path .build-tsan \
    --filter 'MetricsCoreTests|SinksTests|ExportPipelineTests|AWSCoreTests|CloudWatchSinkTests' --skip 'HashTests'

echo "== fuzzing every parser of outside input" >&2
scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
