#!/usr/bin/env python3
"""A loopback receiver for the OTLP and Datadog sinks' tests.

Decodes every request with independent, official decoders and keeps what it
decoded for the tests to read back:

- OTLP/HTTP metrics (POST /v1/metrics, and /cw/v1/metrics for the SigV4
  variant): protobuf parsed with PyPI `opentelemetry-proto`'s generated
  ExportMetricsServiceRequest (unknown fields anywhere are an error), OTLP/JSON
  with protobuf's json_format (unknown names are an error); gzip bodies
  inflated first. On /cw/ the SigV4 signature is recomputed with botocore's
  signer over the headers the request says it signed and compared.
- Datadog (POST /api/v1/series, /api/v1/distribution_points): JSON built into
  PyPI `datadog-api-client`'s models (their constructors check every type),
  with unknown keys an error; the DD-API-KEY header is recorded.

A request that does not decode gets HTTP 400 and is recorded with its error.

Tests share one receiver, so each sends under a path prefix of its own
(/t-1234/v1/metrics, /t-1234/api/v1/series) and controls and reads only that
prefix: POST /_respond/t-1234 queues canned answers for its next requests
({"status": 503, "retryAfter": "0", "partialRejected": 2, "message": "..."}),
GET /_received/t-1234 returns its records.

Usage: telemetry_receiver.py [--port N] [--access-key-id K --secret-access-key S]
Prints "listening <port>" once it accepts connections; stops on SIGTERM.
"""
from __future__ import annotations

import argparse
import gzip
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from google.protobuf.unknown_fields import UnknownFieldSet
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2

STATE_LOCK = threading.Lock()
RECORDS: dict[str, list] = {}
CANNED: dict[str, list] = {}
CONFIG: dict = {}


def check_no_unknown_fields(message, path="request"):
    if len(UnknownFieldSet(message)) > 0:
        raise ValueError(f"unknown fields in {path}")
    for field, value in message.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        items = value if field.is_repeated else [value]
        for index, item in enumerate(items):
            check_no_unknown_fields(item, f"{path}.{field.name}[{index}]")


def decode_otlp(body: bytes, content_type: str) -> dict:
    request = metrics_service_pb2.ExportMetricsServiceRequest()
    if "json" in content_type:
        json_format.Parse(body.decode("utf-8"), request, ignore_unknown_fields=False)
        encoding = "json"
    elif "protobuf" in content_type:
        request.ParseFromString(body)
        check_no_unknown_fields(request)
        encoding = "protobuf"
    else:
        raise ValueError(f"unexpected Content-Type {content_type!r}")
    return {"encoding": encoding, "request": json_format.MessageToDict(request)}


def verify_sigv4(method: str, url: str, headers: dict, body: bytes) -> dict:
    """Recomputes the signature with botocore over the signed headers."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    authorization = headers.get("authorization", "")
    try:
        scope = authorization.split("Credential=")[1].split(",")[0]
        signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
        given = authorization.split("Signature=")[1].strip()
        _, date, region, service, _ = scope.split("/")
    except (IndexError, ValueError):
        return {"valid": False, "reason": "malformed Authorization"}
    request = AWSRequest(method=method, url=url, data=body,
                         headers={name: headers[name] for name in signed if name in headers})
    request.context["timestamp"] = headers.get("x-amz-date", "")
    credentials = Credentials(CONFIG.get("access_key_id", ""), CONFIG.get("secret_access_key", ""),
                              headers.get("x-amz-security-token"))
    signer = SigV4Auth(credentials, service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    return {"valid": expected == given, "service": service, "region": region, "signedHeaders": signed}


def decode_datadog(path: str, body: bytes) -> dict:
    from datadog_api_client.v1.model.distribution_point import DistributionPoint
    from datadog_api_client.v1.model.distribution_points_payload import DistributionPointsPayload
    from datadog_api_client.v1.model.distribution_points_series import DistributionPointsSeries
    from datadog_api_client.v1.model.distribution_points_type import DistributionPointsType
    from datadog_api_client.v1.model.metrics_payload import MetricsPayload
    from datadog_api_client.v1.model.point import Point
    from datadog_api_client.v1.model.series import Series

    payload = json.loads(body)
    if set(payload) != {"series"} or not isinstance(payload["series"], list):
        raise ValueError("a payload is {\"series\": [...]}")
    model = Series if path.endswith("/series") else DistributionPointsSeries
    built = []
    for index, entry in enumerate(payload["series"]):
        unknown = set(entry) - set(model.attribute_map)
        if unknown:
            raise ValueError(f"series[{index}]: unknown keys {sorted(unknown)}")
        fields = dict(entry)
        if model is Series:
            if fields.get("type") not in (None, "count", "gauge", "rate"):
                raise ValueError(f"series[{index}]: type {fields.get('type')!r}")
            fields["points"] = [Point(point) for point in entry["points"]]
        else:
            if fields.get("type") not in (None, "distribution"):
                raise ValueError(f"series[{index}]: type {fields.get('type')!r}")
            for point in entry["points"]:
                if not (isinstance(point, list) and len(point) == 2 and isinstance(point[1], list)
                        and all(isinstance(v, (int, float)) for v in point[1])):
                    raise ValueError(f"series[{index}]: a distribution point is [timestamp, [values]]")
            fields["points"] = [DistributionPoint(point) for point in entry["points"]]
            if "type" in fields:
                fields["type"] = DistributionPointsType(fields["type"])
        built.append(model(**fields))
    (MetricsPayload if model is Series else DistributionPointsPayload)(series=built)
    return {"payload": payload}


def prefix_of(path: str) -> str:
    """The first segment of a path: /t-1234/v1/metrics -> t-1234."""
    return path.lstrip("/").split("/", 1)[0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet
        pass

    def _reply(self, status: int, body: bytes = b"", content_type: str = "application/json", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/_received/"):
            with STATE_LOCK:
                body = json.dumps(RECORDS.get(prefix_of(self.path[len("/_received"):]), [])).encode()
            self._reply(200, body)
        else:
            self._reply(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        path = urlsplit(self.path).path
        if path.startswith("/_respond/"):
            with STATE_LOCK:
                CANNED.setdefault(prefix_of(path[len("/_respond"):]), []).extend(json.loads(raw))
            return self._reply(200, b"{}")
        prefix = prefix_of(path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        record = {"path": self.path, "headers": headers, "bytes": len(raw)}
        try:
            body = gzip.decompress(raw) if headers.get("content-encoding") == "gzip" else raw
            if path.endswith("/v1/metrics"):
                record.update(decode_otlp(body, headers.get("content-type", "")))
                if "/cw/" in path:
                    url = f"http://{headers.get('host')}{self.path}"
                    record["signature"] = verify_sigv4("POST", url, headers, raw)
            elif path.endswith("/api/v1/series") or path.endswith("/api/v1/distribution_points"):
                record.update(decode_datadog(path, body))
            else:
                raise ValueError(f"unknown path {path}")
        except (DecodeError, ValueError, TypeError, KeyError, json_format.ParseError, Exception) as error:
            record["error"] = f"{type(error).__name__}: {error}"
            with STATE_LOCK:
                RECORDS.setdefault(prefix, []).append(record)
            return self._reply(400, json.dumps({"message": record["error"]}).encode())
        with STATE_LOCK:
            queue = CANNED.get(prefix, [])
            canned = queue.pop(0) if queue else {}
            record["answer"] = canned
            RECORDS.setdefault(prefix, []).append(record)
        status = canned.get("status", 200 if "metrics" in path else 202)
        extra = {"Retry-After": canned["retryAfter"]} if "retryAfter" in canned else {}
        if path.endswith("/v1/metrics"):
            response = metrics_service_pb2.ExportMetricsServiceResponse()
            if status < 300 and "partialRejected" in canned:
                response.partial_success.rejected_data_points = canned["partialRejected"]
                response.partial_success.error_message = canned.get("message", "")
            if "json" in headers.get("content-type", ""):
                body, content_type = json_format.MessageToJson(response).encode(), "application/json"
            else:
                body, content_type = response.SerializeToString(), "application/x-protobuf"
            if status >= 300:
                body, content_type = json.dumps({"message": canned.get("message", "")}).encode(), "application/json"
            return self._reply(status, body, content_type, extra)
        body = json.dumps({"status": "ok"} if status < 300 else {"errors": [canned.get("message", "")]}).encode()
        return self._reply(status, body, "application/json", extra)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--access-key-id", default="")
    parser.add_argument("--secret-access-key", default="")
    args = parser.parse_args()
    CONFIG["access_key_id"] = args.access_key_id
    CONFIG["secret_access_key"] = args.secret_access_key
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    sys.exit(main())
