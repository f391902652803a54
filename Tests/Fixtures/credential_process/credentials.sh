#!/bin/sh
# A credential_process for the tests: what it prints depends on its first
# argument; the rest of its arguments go into the session token, so a test
# can see how the command line was split.
mode="$1"
shift
case "$mode" in
    ok)
        printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "%s", "Expiration": "2099-01-01T00:00:00Z"}\n' "$*"
        ;;
    fail)
        echo "the secret is SECRET-ON-STDERR" >&2
        exit 3
        ;;
    garbage)
        echo "not json"
        ;;
    version2)
        echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}'
        ;;
    hang)
        exec sleep 30
        ;;
    linger)
        echo '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "S"}'
        exec >&-
        exec sleep 30
        ;;
    flood)
        exec yes
        ;;
esac
