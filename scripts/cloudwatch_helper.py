"""Reads CloudWatch data back with boto3, and exports with the Python original.

Used by the integration tests as an independent reference: what our Swift
sink sent is read back by botocore, and the parity test sends the same
snapshots through aiokpl 0.2.0's CloudWatchSink.

Usage (JSON on stdin, JSON on stdout):
  cloudwatch_helper.py statistics   {"namespace", "metric", "dimensions": [[name, value], ...]}
      -> {"SampleCount", "Sum", "Minimum", "Maximum", "datapoints"} over the last and next 3 hours
  cloudwatch_helper.py metrics      {"namespace"}
      -> [[metric, [[name, value], ...]], ...] de-duplicated (moto lists one entry per datum)
  cloudwatch_helper.py aiokpl-export {"namespace", "snapshots": [{name, count, sum, min, max, dimensions}]}
      -> {"exported": n}
  cloudwatch_helper.py log-events   {"group", "stream"}
      -> [[timestamp, message], ...] every event of the stream, oldest first

Connection: the request's "target" ({"endpoint", "accessKeyId", "secretAccessKey"}: the
server the test talks to, moto or LocalStack), else METRICS_TEST_ENDPOINT,
METRICS_TEST_ACCESS_KEY_ID and METRICS_TEST_SECRET_ACCESS_KEY.
"""
import asyncio
import datetime
import json
import os
import sys

import boto3

ENDPOINT = os.environ.get("METRICS_TEST_ENDPOINT")
KEY = os.environ.get("METRICS_TEST_ACCESS_KEY_ID")
SECRET = os.environ.get("METRICS_TEST_SECRET_ACCESS_KEY")


def cloudwatch():
    return boto3.client("cloudwatch", endpoint_url=ENDPOINT, region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET)


def statistics(request):
    now = datetime.datetime.now(datetime.timezone.utc)
    response = cloudwatch().get_metric_statistics(
        Namespace=request["namespace"], MetricName=request["metric"],
        Dimensions=[{"Name": n, "Value": v} for n, v in request.get("dimensions", [])],
        StartTime=now - datetime.timedelta(hours=3), EndTime=now + datetime.timedelta(hours=3),
        Period=60, Statistics=["SampleCount", "Sum", "Minimum", "Maximum"])
    points = response["Datapoints"]
    if not points:
        return {"datapoints": 0}
    return {
        "datapoints": len(points),
        "SampleCount": sum(p["SampleCount"] for p in points),
        "Sum": sum(p["Sum"] for p in points),
        "Minimum": min(p["Minimum"] for p in points),
        "Maximum": max(p["Maximum"] for p in points),
    }


def metrics(request):
    seen = set()
    paginator = cloudwatch().get_paginator("list_metrics")
    for page in paginator.paginate(Namespace=request["namespace"]):
        for metric in page["Metrics"]:
            dims = tuple((d["Name"], d["Value"]) for d in metric.get("Dimensions", []))
            seen.add((metric["MetricName"], dims))
    return sorted([name, [list(d) for d in dims]] for name, dims in seen)


def aiokpl_export(request):
    os.environ.setdefault("AWS_DISABLE_REQUEST_COMPRESSION", "true")  # moto cannot verify gzip otherwise
    from aiokpl.sinks import CloudWatchSink, MetricSnapshot

    snapshots = [
        MetricSnapshot(name=s["name"], count=s["count"], sum=s["sum"], min=s["min"], max=s["max"],
                       dimensions=tuple((k, v) for k, v in s["dimensions"]))
        for s in request["snapshots"]
    ]

    async def run():
        async with CloudWatchSink(region="us-east-1", namespace=request["namespace"], endpoint_url=ENDPOINT,
                                  aws_access_key_id=KEY, aws_secret_access_key=SECRET) as sink:
            await sink.export(snapshots)

    asyncio.run(run())
    return {"exported": len(snapshots)}


def log_events(request):
    logs = boto3.client("logs", endpoint_url=ENDPOINT, region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    events, token = [], None
    while True:
        arguments = {"logGroupName": request["group"], "logStreamName": request["stream"], "startFromHead": True}
        if token:
            arguments["nextToken"] = token
        page = logs.get_log_events(**arguments)
        events += [[event["timestamp"], event["message"]] for event in page["events"]]
        if not page["events"] or page.get("nextForwardToken") == token:
            return events
        token = page.get("nextForwardToken")


COMMANDS = {"statistics": statistics, "metrics": metrics, "aiokpl-export": aiokpl_export, "log-events": log_events}

if __name__ == "__main__":
    request = json.load(sys.stdin)
    target = request.pop("target", None)
    if target:
        ENDPOINT, KEY, SECRET = target["endpoint"], target["accessKeyId"], target["secretAccessKey"]
    json.dump(COMMANDS[sys.argv[1]](request), sys.stdout)
