"""How long botocore takes to serialise and sign one PutMetricData call of
1000 datums (3 dimensions each): the cost the Python original pays per
request. Nothing is sent: a before-send hook stops the call.

Usage: python3 Benchmarks/botocore_put_metric_data.py [json|query]
Prints the median milliseconds of 15 calls (after 3 warm-up calls) and the
body size in bytes.
"""
import datetime
import statistics
import sys
import time
from unittest import mock

import botocore.model
import botocore.session


class Stop(Exception):
    pass


def main():
    protocol = sys.argv[1] if len(sys.argv) > 1 else "json"
    priority = ("query",) if protocol == "query" else botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS
    sizes = []

    def before_send(request, **kwargs):
        sizes.append(len(request.body or b""))
        raise Stop()

    timestamp = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.timezone.utc)
    data = [{
        "MetricName": "UserRecordsPut",
        "Dimensions": [{"Name": "StreamName", "Value": "stream-%d" % (i % 10)},
                       {"Name": "ShardId", "Value": "shardId-%012d" % i},
                       {"Name": "ErrorCode", "Value": "none"}],
        "StatisticValues": {"SampleCount": float(i + 1), "Sum": float(i * 2 + 1), "Minimum": 1.0, "Maximum": float(i + 1)},
        "Timestamp": timestamp, "Unit": "Count", "StorageResolution": 60,
    } for i in range(1000)]
    with mock.patch.object(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS", priority):
        client = botocore.session.get_session().create_client(
            "cloudwatch", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="SECRET",
            config=botocore.config.Config(disable_request_compression=True, retries={"max_attempts": 1}))
        client.meta.events.register("before-send", before_send)
        timings = []
        for run in range(18):
            start = time.perf_counter()
            try:
                client.put_metric_data(Namespace="Bench", MetricData=data)
            except Stop:
                pass
            if run >= 3:
                timings.append((time.perf_counter() - start) * 1000)
    print("%.3f %d" % (statistics.median(timings), sizes[-1]))


if __name__ == "__main__":
    main()
