#!/usr/bin/env python3
"""Drives the Python original's (aiokpl 0.2.0) OpenTelemetry or Datadog sink
with snapshots given as JSON on standard input, into the test receiver, so
the Swift sinks' output can be compared with the original's.

Usage: sink_parity.py otlp|datadog RECEIVER_URL < snapshots.json
Snapshots: [{"name", "count", "sum", "min", "max", "dimensions": [[k, v]],
"window_start", "window_end"}]. Prints "sent" when the export is done.
"""
from __future__ import annotations

import asyncio
import json
import sys

from aiokpl.sinks._types import MetricSnapshot


def snapshots(data):
    return [MetricSnapshot(name=s["name"], count=s["count"], sum=s["sum"], min=s["min"], max=s["max"],
                           dimensions=tuple((k, v) for k, v in s["dimensions"]),
                           window_start=s["window_start"], window_end=s["window_end"]) for s in data]


async def otlp(url, batch):
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

    from aiokpl.sinks.opentelemetry import OpenTelemetrySink

    reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=url + "/v1/metrics", timeout=10),
                                           export_interval_millis=3_600_000)
    provider = MeterProvider(metric_readers=[reader])
    sink = OpenTelemetrySink(meter=provider.get_meter("aiokpl"))
    async with sink:
        await sink.export(batch)
    provider.force_flush(timeout_millis=10_000)
    provider.shutdown()


async def datadog(url, batch):
    import aiokpl.sinks.datadog as module

    original = module.Configuration

    def configuration():
        made = original()
        made.host = url
        return made

    module.Configuration = configuration
    async with module.DatadogSink(api_key="parity-key", site="datadoghq.com") as sink:
        await sink.export(batch)


def main():
    mode, url = sys.argv[1], sys.argv[2].rstrip("/")
    batch = snapshots(json.load(sys.stdin))
    asyncio.run(otlp(url, batch) if mode == "otlp" else datadog(url, batch))
    print("sent", flush=True)


if __name__ == "__main__":
    main()
