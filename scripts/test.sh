#!/usr/bin/env bash
# Every test of the package, as CI runs it:
#   1. the whole test suite, built with warnings as errors, against a real
#      AWS-compatible server (moto) that scripts/with-moto.sh installs into
#      .venv-test, starts on 127.0.0.1, and stops afterwards;
#   2. the concurrency tests again under ThreadSanitizer (own build folder):
#      the core, the sinks, the export pipeline, AWSCore (credential cache,
#      curl cancellation, transports), CloudWatchSink, EMFSink, OTLPSink and DatadogSink;
#   3. a short run of every fuzz harness (scripts/fuzz.sh; 20 s each in CI),
#      so the harnesses cannot rot;
#   4. the surface: the manifest against every target's imports
#      (scripts/check-imports.py), the public API against its listing in api/
#      (scripts/public-api.py --check), and the documented examples, which
#      must all be in the Examples/ package (scripts/check-doc-examples.py)
#      that is then built and tested from outside this package, as a user's
#      code is;
#   5. the Integrations/ package (swift-metrics backend, swift-log observer,
#      service-lifecycle service, the example Hummingbird service): built,
#      its own warnings as errors, and tested;
#   6. the CloudWatch and EMF integration tests again, against LocalStack
#      (scripts/with-localstack.sh installs it into .venv-localstack, starts
#      it on 127.0.0.1 and stops it), inside with-moto.sh for its Python;
#   7. the benchmarks beside their peers, once each at tiny sizes
#      (Benchmarks/compare.sh --smoke: they must run; nothing is timed), and
#      the agent's documented static build, which must link with only the
#      toolchain (no libcurl development files).
# Needs only the Swift toolchain, python3 and pip (network access to PyPI on
# the first run).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== tests (warnings are errors), against moto" >&2
scripts/with-moto.sh swift test -Xswiftc -warnings-as-errors

echo "== concurrency tests under ThreadSanitizer" >&2
# Two runs of one build. The export pipeline's shutdown-deadline tests time
# a 1 s deadline, so they run apart from AWSCore's CPU-heavy vector suites,
# which under TSan keep both cooperative threads of a 2-core machine busy and
# delay the deadline's timer (measured: 6 to 7 s instead of 1 s). HashTests is
# left out altogether: single-threaded hashing of 415 vectors, ~40 s under
# TSan, with nothing concurrent in it to check.
export TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}"
swift test --sanitize=thread --scratch-path .build-tsan --filter 'MetricsCoreTests|SinksTests|ExportPipelineTests'
swift test --sanitize=thread --scratch-path .build-tsan --filter 'AWSCoreTests|CloudWatchSinkTests|EMFSinkTests|OTLPSinkTests|DatadogSinkTests' --skip 'HashTests'

echo "== fuzzing every parser of outside input" >&2
scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

echo "== the surface: manifest, public API, documented examples" >&2
python3 scripts/check-imports.py
python3 scripts/public-api.py --check
python3 scripts/check-doc-examples.py
swift build --package-path Examples -Xswiftc -warnings-as-errors
swift test --package-path Examples
swift run --package-path Examples DocExamples

echo "== the Integrations package: swift-metrics, swift-log, service-lifecycle, the example service" >&2
swift build --package-path Integrations
swift test --package-path Integrations

echo "== the CloudWatch and EMF integration tests against LocalStack" >&2
# One test at a time: LocalStack serves requests slowly when many arrive at once.
scripts/with-moto.sh scripts/with-localstack.sh \
    swift test --skip-build --no-parallel --filter 'CloudWatchIntegrationTests|EMFIntegrationTests|IntegrationSetup'

echo "== the benchmarks, once each (no timing asserted), and the agent's static build" >&2
Benchmarks/compare.sh --smoke
swift build -c release --static-swift-stdlib --scratch-path .build-static --product metrics-agent
