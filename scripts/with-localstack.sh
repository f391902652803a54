#!/usr/bin/env bash
# Runs a command against LocalStack on 127.0.0.1, without Docker:
#   1. installs localstack-core into .venv-localstack from the lock file
#      scripts/requirements-localstack.txt, once (about 80 s and 500 MB; a
#      stamp file skips the install when nothing changed);
#   2. starts it on a free loopback port with only CloudWatch and CloudWatch
#      Logs, its files under a temporary folder, and waits until both run;
#   3. runs the command with LOCALSTACK_ENDPOINT set (the integration tests
#      then talk to LocalStack instead of moto);
#   4. stops it (by PID) however the command ends.
#
# Usage: scripts/with-moto.sh scripts/with-localstack.sh swift test --filter CloudWatchIntegrationTests
#        scripts/with-localstack.sh --install-only
# (inside with-moto.sh, so that METRICS_TEST_PYTHON, with boto3 and the Python
# original, reads back what the tests sent.)
#
# LocalStack checks no signatures (any credentials are accepted), so the
# tests that need a refused signature are skipped against it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-localstack"
# Every package pinned (scripts/requirements-localstack.txt is a lock file):
# a release upstream cannot break a clean run.
requirements="$root/scripts/requirements-localstack.txt"
stamp="$venv/.requirements.sha256"

wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "with-localstack: installing localstack-core into $venv (about 80 s)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements"
    echo "$wanted" > "$stamp"
fi
# scripts/with-localstack.sh --install-only: the install alone (test.sh runs
# it in the background while other steps build).
if [ "${1:-}" = "--install-only" ]; then exit 0; fi

port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
endpoint="http://127.0.0.1:$port"
work="$(mktemp -d -t localstack.XXXXXX)"
log="$work/localstack.log"
# Every variable matters: without GATEWAY_SERVER=hypercorn it binds 0.0.0.0;
# without OVERRIDE_IN_DOCKER=0 and FILESYSTEM_ROOT it writes under /var/lib and /tmp.
env GATEWAY_SERVER=hypercorn GATEWAY_LISTEN="127.0.0.1:$port" LOCALSTACK_HOST="127.0.0.1:$port" \
    OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$work/fs" DNS_ADDRESS=0 SKIP_SSL_CERT_DOWNLOAD=1 \
    DISABLE_EVENTS=1 SERVICES=cloudwatch,logs EAGER_SERVICE_LOADING=1 \
    "$venv/bin/python" -m localstack.runtime.main >"$log" 2>&1 &
pid=$!
cleanup() {
    # SIGTERM first; LocalStack 4.13 on the host catches it but does not
    # always exit (seen here), so SIGKILL after 10 s.
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

ready=""
for _ in $(seq 1 300); do
    if "$venv/bin/python" - "$endpoint" <<'PY' 2>/dev/null; then
import json, sys, urllib.request
health = json.load(urllib.request.urlopen(sys.argv[1] + "/_localstack/health", timeout=1))
services = health.get("services", {})
sys.exit(0 if all(services.get(name) in ("running", "available") for name in ("cloudwatch", "logs")) else 1)
PY
        ready=1
        break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "with-localstack: LocalStack exited:" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
    sleep 0.2
done
if [ -z "$ready" ]; then
    echo "with-localstack: LocalStack did not become ready in 60 s:" >&2
    tail -n 40 "$log" >&2
    exit 1
fi

export LOCALSTACK_ENDPOINT="$endpoint"
echo "with-localstack: LocalStack $endpoint (pid $pid), no signature checks" >&2
"$@"
