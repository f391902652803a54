#!/usr/bin/env bash
# Runs a command against a real AWS-compatible server on 127.0.0.1:
#   1. installs moto (and the Python original, for the parity test) into
#      .venv-test, once: a stamp file skips the install when nothing changed;
#   2. starts moto_server on a free loopback port and waits until it answers;
#   3. creates an IAM user and turns on signature enforcement;
#   4. starts the OTLP/Datadog test receiver (scripts/telemetry_receiver.py)
#      on another free loopback port;
#   5. runs the command with METRICS_TEST_* variables describing both;
#   6. stops both (by PID) however the command ends.
#
# Usage: scripts/with-moto.sh swift test --filter IntegrationTests
#
# Variables set for the command: METRICS_TEST_ENDPOINT, METRICS_TEST_ACCESS_KEY_ID,
# METRICS_TEST_SECRET_ACCESS_KEY, METRICS_TEST_SESSION_{ACCESS_KEY_ID,SECRET_ACCESS_KEY,TOKEN}
# (an assumed role's temporary credentials) and METRICS_TEST_PYTHON (the
# virtualenv's python, with boto3 and aiokpl, for read-backs and the parity test),
# METRICS_TEST_RECEIVER (the receiver's base URL) and
# METRICS_TEST_RECEIVER_{ACCESS_KEY_ID,SECRET_ACCESS_KEY} (what it verifies SigV4 with).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-test"
requirements="$root/scripts/requirements-test.txt"
stamp="$venv/.requirements.sha256"

wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "with-moto: installing the test environment into $venv" >&2
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        # Some Pythons ship without ensurepip; pip can install into any interpreter.
        rm -rf "$venv"
        python3 -m venv --without-pip "$venv"
        pip_cmd=(python3 -m pip --python "$venv/bin/python")
    else
        pip_cmd=("$venv/bin/python" -m pip)
    fi
    "${pip_cmd[@]}" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$stamp"
fi

port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
endpoint="http://127.0.0.1:$port"
log="$(mktemp -t moto.XXXXXX.log)"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
receiver_pid=""
receiver_log="$(mktemp -t receiver.XXXXXX.log)"
cleanup() {
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
    if [ -n "$receiver_pid" ]; then
        kill "$receiver_pid" 2>/dev/null || true
        wait "$receiver_pid" 2>/dev/null || true
    fi
    rm -f "$log" "$receiver_log"
}
trap cleanup EXIT INT TERM

moto_ready=""
for _ in $(seq 1 100); do
    if "$venv/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=1)" "$endpoint" 2>/dev/null; then
        moto_ready=1
        break
    fi
    if ! kill -0 "$moto_pid" 2>/dev/null; then
        echo "with-moto: moto_server exited:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.2
done
if [ -z "$moto_ready" ]; then
    echo "with-moto: moto_server on $endpoint did not answer within 20 s:" >&2
    tail -n 40 "$log" >&2
    exit 1
fi

receiver_key_id="AKIDRECEIVERTEST"
receiver_secret="receiver-test-secret-$RANDOM$RANDOM"
"$venv/bin/python" "$root/scripts/telemetry_receiver.py" --access-key-id "$receiver_key_id" \
    --secret-access-key "$receiver_secret" >"$receiver_log" 2>&1 &
receiver_pid=$!
receiver_port=""
for _ in $(seq 1 100); do
    receiver_port="$(sed -n 's/^listening //p' "$receiver_log")"
    [ -n "$receiver_port" ] && break
    if ! kill -0 "$receiver_pid" 2>/dev/null; then
        echo "with-moto: the telemetry receiver exited:" >&2
        cat "$receiver_log" >&2
        exit 1
    fi
    sleep 0.2
done
if [ -z "$receiver_port" ]; then
    echo "with-moto: the telemetry receiver did not start in 20 s" >&2
    exit 1
fi

credentials="$("$venv/bin/python" "$root/scripts/moto_setup.py" "$endpoint")"
export METRICS_TEST_ENDPOINT="$endpoint"
export METRICS_TEST_ACCESS_KEY_ID="$(echo "$credentials" | sed -n 1p)"
export METRICS_TEST_SECRET_ACCESS_KEY="$(echo "$credentials" | sed -n 2p)"
export METRICS_TEST_SESSION_ACCESS_KEY_ID="$(echo "$credentials" | sed -n 3p)"
export METRICS_TEST_SESSION_SECRET_ACCESS_KEY="$(echo "$credentials" | sed -n 4p)"
export METRICS_TEST_SESSION_TOKEN="$(echo "$credentials" | sed -n 5p)"
export METRICS_TEST_PYTHON="$venv/bin/python"
export METRICS_TEST_RECEIVER="http://127.0.0.1:$receiver_port"
export METRICS_TEST_RECEIVER_ACCESS_KEY_ID="$receiver_key_id"
export METRICS_TEST_RECEIVER_SECRET_ACCESS_KEY="$receiver_secret"
export METRICS_TEST_REQUIRED=1
echo "with-moto: moto $endpoint (pid $moto_pid), signatures enforced; receiver $METRICS_TEST_RECEIVER (pid $receiver_pid)" >&2

"$@"
