"""Generate SigV4 request vectors with botocore, the reference implementation.

Usage: python scripts/gen_sigv4_vectors.py > Tests/AWSCoreTests/Fixtures/botocore_sigv4_vectors.json

Each vector is one real botocore request (CloudWatch PutMetricData in the AWS
Query and JSON 1.0 protocols, CloudWatch Logs PutLogEvents in JSON 1.1),
captured in the `before-send` hook at a pinned time, never sent. It records
what a signer needs (method, URL, the headers botocore signed, body, date,
credentials) and what botocore produced (canonical request, Authorization),
plus the operation's parameters so that encoders can be checked against the
bodies botocore serialised.

Run it with the test virtualenv (scripts/with-moto.sh creates it) so the
botocore version is the pinned one: .venv-test/bin/python scripts/gen_sigv4_vectors.py
"""

import base64
import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.auth
import botocore.model
import botocore.session
from botocore.config import Config

DATE = datetime.datetime(2026, 11, 23, 12, 36, 0, tzinfo=datetime.timezone.utc)
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN/with+reserved=chars//////////wEaCXVzLWVhc3QtMSJHMEUCIQ=="
TIMESTAMP = datetime.datetime(2026, 11, 23, 12, 35, 0, tzinfo=datetime.timezone.utc)

RESERVED = "a b/c+d=e~f%g&h"
UNICODE = "caf\u00e9 \u6771\u4eac \U0001F600"


class Captured(Exception):
    pass


def capture(service, region, operation, params, protocol=None, token=None, endpoint=None, compress=False):
    """Calls `operation` on a real botocore client and captures the signed request."""
    recorded = {}
    original_canonical = botocore.auth.SigV4Auth.canonical_request
    original_string_to_sign = botocore.auth.SigV4Auth.string_to_sign

    def canonical_request(self, request):
        value = original_canonical(self, request)
        recorded["canonical_request"] = value
        return value

    def string_to_sign(self, request, canonical):
        value = original_string_to_sign(self, request, canonical)
        recorded["string_to_sign"] = value
        return value

    def before_send(request, **kwargs):
        recorded["request"] = request
        raise Captured()

    priority = (protocol,) if protocol else botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS
    config = Config(
        disable_request_compression=not compress,
        request_min_compression_size_bytes=10240,
        retries={"max_attempts": 1},
    )
    with mock.patch.object(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS", priority), \
         mock.patch.object(botocore.auth, "get_current_datetime", lambda: DATE), \
         mock.patch.object(botocore.auth.SigV4Auth, "canonical_request", canonical_request), \
         mock.patch.object(botocore.auth.SigV4Auth, "string_to_sign", string_to_sign):
        session = botocore.session.get_session()
        client = session.create_client(
            service,
            region_name=region,
            endpoint_url=endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            aws_session_token=token,
            config=config,
        )
        client.meta.events.register("before-send", before_send)
        try:
            getattr(client, operation)(**params)
        except Captured:
            pass

    request = recorded["request"]
    headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
    authorization = headers["Authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    # The headers botocore signed, as a caller hands them to a signer: the
    # signer adds Host, X-Amz-Date and X-Amz-Security-Token itself.
    added_by_signer = {"host", "x-amz-date", "x-amz-security-token"}
    headers_in = [[k, v] for k, v in headers.items() if k.lower() in signed and k.lower() not in added_by_signer]
    return {
        "service": client.meta.service_model.signing_name,
        "region": region,
        "protocol": client.meta.service_model.resolved_protocol,
        "operation": operation,
        "method": request.method,
        "url": request.url,
        "headers": headers_in,
        "body_base64": base64.b64encode(body).decode(),
        "epoch_seconds": int(DATE.timestamp()),
        "access_key_id": ACCESS_KEY,
        "secret_access_key": SECRET_KEY,
        "session_token": token,
        "expected": {
            "authorization": authorization,
            "x_amz_date": headers["X-Amz-Date"],
            "signed_headers": ";".join(signed),
            "canonical_request": recorded["canonical_request"],
            "string_to_sign": recorded["string_to_sign"],
            "content_encoding": headers.get("Content-Encoding"),
        },
    }


def datum(name, dimensions, **extra):
    value = {"MetricName": name, "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions]}
    value.update(extra)
    return value


def statistic_values(count, total, low, high):
    return {"SampleCount": count, "Sum": total, "Minimum": low, "Maximum": high}


def metric_params(data, namespace="MyService"):
    return {"Namespace": namespace, "MetricData": data}


def serializable(params):
    """Parameters with datetimes as epoch seconds, for the JSON file."""
    def convert(value):
        if isinstance(value, datetime.datetime):
            return {"epoch_seconds": value.timestamp()}
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value
    return convert(params)


def main():
    reserved = metric_params([
        datum("UserRecordsPut", [("StreamName", RESERVED), ("ShardId", "shardId-000000000001")],
              StatisticValues=statistic_values(3.0, 6.0, 1.0, 3.0), Timestamp=TIMESTAMP, Unit="Count",
              StorageResolution=60),
        datum("Caf\u00e9Latency", [("Region", UNICODE)],
              StatisticValues=statistic_values(1.0, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333),
              Timestamp=TIMESTAMP, Unit="Milliseconds", StorageResolution=1),
        datum("Extremes", [("ErrorCode", "E&1=2")],
              StatisticValues=statistic_values(2.0, 1.174271e108, -8.51592e-109, 1.174271e108), Timestamp=TIMESTAMP),
        datum("Distribution", [],
              Values=[0.5, 12.25, 1e-05, 123456789012345678.0], Counts=[1.0, 2.0, 3.0, 4.0], Timestamp=TIMESTAMP,
              Unit="Seconds"),
    ])
    thirty = metric_params([
        datum("Wide", [("Dim%02d" % i, "value %02d/%s" % (i, "+=&%~"[i % 5])) for i in range(30)],
              StatisticValues=statistic_values(1.0, 42.0, 42.0, 42.0), Timestamp=TIMESTAMP, Unit="None"),
    ])
    many = metric_params([
        datum("Bulk", [("StreamName", "stream-%d" % (i % 7)), ("ShardId", "shardId-%012d" % i)],
              StatisticValues=statistic_values(float(i + 1), float(i * 3), 0.0, float(i)), Timestamp=TIMESTAMP)
        for i in range(60)
    ])
    log_events = {
        "logGroupName": "/metrics/emf",
        "logStreamName": "host-1",
        "logEvents": [
            {"timestamp": 1795437360000, "message": json.dumps({"_aws": {"Timestamp": 1795437360000, "CloudWatchMetrics": [{"Namespace": "MyService", "Dimensions": [["Service"]], "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"}]}]}, "Service": "caf\u00e9", "Latency": 12.5})},
            {"timestamp": 1795437361000, "message": "plain line with \"quotes\" and \\ backslash"},
        ],
    }

    cases = [
        ("cwquery-reserved-unicode", "cloudwatch", "us-east-1", "put_metric_data", reserved, "query", None, None, False),
        ("cwquery-30-dimensions", "cloudwatch", "us-east-1", "put_metric_data", thirty, "query", None, None, False),
        ("cwquery-session-token", "cloudwatch", "us-east-1", "put_metric_data", reserved, "query", TOKEN, None, False),
        ("cwquery-eu-west-1", "cloudwatch", "eu-west-1", "put_metric_data", thirty, "query", None, None, False),
        ("cwquery-local-endpoint", "cloudwatch", "us-east-1", "put_metric_data", reserved, "query", None, "http://127.0.0.1:4566", False),
        ("cwquery-gzip", "cloudwatch", "us-east-1", "put_metric_data", many, "query", None, None, True),
        ("cwjson-reserved-unicode", "cloudwatch", "us-east-1", "put_metric_data", reserved, None, None, None, False),
        ("cwjson-session-token-eu-central-1", "cloudwatch", "eu-central-1", "put_metric_data", thirty, None, TOKEN, None, False),
        ("logs-put-log-events", "logs", "us-east-1", "put_log_events", log_events, None, None, None, False),
        ("logs-put-log-events-session-token", "logs", "ap-southeast-2", "put_log_events", log_events, None, TOKEN, None, False),
    ]
    vectors = []
    for name, service, region, operation, params, protocol, token, endpoint, compress in cases:
        vector = capture(service, region, operation, params, protocol, token, endpoint, compress)
        vector["name"] = name
        vector["params"] = serializable(params)
        vectors.append(vector)
    json.dump({
        "generator": "scripts/gen_sigv4_vectors.py",
        "botocore": botocore.__version__,
        "vectors": vectors,
    }, sys.stdout, indent=1, ensure_ascii=True, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
