"""Turns one run of the Peers benchmarks (package-benchmark's influx export)
plus botocore's and openssl's figures into the comparison table, checks the
performance targets, prints both, and (unless a smoke run) writes them into
Docs/performance.md between its compare.sh markers. Called by compare.sh.

Every figure is a median (package-benchmark's p50 over its samples). The
export holds each sample's raw total in nanoseconds: per-operation cases
(unit "ns") ran `scale` operations per sample, whole-operation cases (unit
"μs") one.
"""
import argparse
import csv
import datetime
import re
import sys

BEGIN = "<!-- compare.sh:begin -->"
END = "<!-- compare.sh:end -->"

PEER_NAMES = {
    "prometheus": "swift-prometheus 2.4.1",
    "otel": "swift-otel 1.6",
    "atomic": "bare relaxed atomic",
}


# Per-operation cases run with a scaling factor other than the default.
SCALES = {"new series (counter + increment), into 0 to 10k series": 1_000}


def load(path, scale):
    """{case: {implementation: {"ns": per op or total, "mallocs": per op, "custom": value, "whole": bool}}}"""
    cases = {}
    with open(path, newline="") as handle:
        rows = [row for row in csv.reader(handle) if row and not row[0].startswith("#")]
    header = rows[0]
    col = {name: index for index, name in enumerate(header)}
    for row in rows[1:]:
        if float(row[col["percentile"]]) != 50.0:
            continue
        test = row[col["test"]]
        if " | " not in test:
            continue
        case, implementation = test.rsplit(" | ", 1)
        entry = cases.setdefault(case, {}).setdefault(implementation, {})
        metric, unit, value = row[col["metric"]], row[col["unit"]], float(row[col["value"]])
        if metric.startswith("Time"):
            whole = unit != "ns"
            entry["whole"] = whole
            entry["ns"] = value if whole else value / SCALES.get(case, scale)
        elif metric.startswith("Malloc"):
            entry["mallocs_raw"] = value
        else:
            entry["custom"] = value
    for case, implementations in cases.items():
        for entry in implementations.values():
            if "mallocs_raw" in entry:
                entry["mallocs"] = entry.pop("mallocs_raw") / (1 if entry.get("whole", True) else SCALES.get(case, scale))
    return cases


def load_metrics_bench(path):
    """{row name: (median, unit)} from metrics-bench's printout."""
    rows = {}
    if not path:
        return rows
    with open(path) as handle:
        for line in handle:
            match = re.match(r"^(\S.*?)\s+([0-9.]+) (\S+)\s+\[", line)
            if match:
                rows[match.group(1)] = (float(match.group(2)), match.group(3))
    return rows


def show_time(ns):
    if ns is None:
        return "—"
    if ns < 1_000:
        return f"{ns:.1f} ns" if ns < 100 else f"{ns:.0f} ns"
    if ns < 1_000_000:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns / 1e6:.1f} ms"


def show_mallocs(entry):
    if entry is None or "mallocs" not in entry:
        return ""
    value = entry["mallocs"]
    return f"{value:.2f}" if not entry.get("whole", True) else f"{value:.0f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--influx", required=True)
    parser.add_argument("--botocore-ms", default="")
    parser.add_argument("--openssl-bytes-per-second", default="")
    parser.add_argument("--metrics-bench", default="")
    parser.add_argument("--machine", default="")
    parser.add_argument("--smoke", default="0")
    parser.add_argument("--docs", required=True)
    arguments = parser.parse_args()
    smoke = arguments.smoke == "1"
    scale = 1_000 if smoke else 1_000_000
    cases = load(arguments.influx, scale)
    bench_rows = load_metrics_bench(arguments.metrics_bench)

    def ours(case):
        return cases.get(case, {}).get("ours", {})

    lines = []
    lines.append("| case | ours | mallocs | peer | peer's figure | peer's mallocs | ours ÷ peer |")
    lines.append("|---|---|---|---|---|---|---|")
    for case in cases:
        implementations = cases[case]
        mine = implementations.get("ours")
        if mine is None:
            continue
        peers = [name for name in implementations if name != "ours"]
        if "custom" in mine:
            for peer in peers or [None]:
                other = implementations.get(peer, {}) if peer else {}
                ratio = f"{mine['custom'] / other['custom']:.2f}×" if other.get("custom") else ""
                theirs = f"{other['custom']:.0f} B" if "custom" in other else ""
                lines.append(f"| {case} | {mine['custom']:.0f} B |  | {PEER_NAMES.get(peer, '—')} | {theirs} |  | {ratio} |")
            continue
        if not peers:
            lines.append(f"| {case} | {show_time(mine.get('ns'))} | {show_mallocs(mine)} | — |  |  |  |")
        for peer in peers:
            other = implementations[peer]
            ratio = f"{mine['ns'] / other['ns']:.2f}×" if other.get("ns") and mine.get("ns") else ""
            lines.append(f"| {case} | {show_time(mine.get('ns'))} | {show_mallocs(mine)} | "
                         f"{PEER_NAMES.get(peer, peer)} | {show_time(other.get('ns'))} | {show_mallocs(other)} | {ratio} |")

    # Figures from outside the Swift run, measured in the same invocation.
    one_request = ours("encode + sign, one 1000-datum PutMetricData request").get("ns")
    botocore_ns = float(arguments.botocore_ms) * 1e6 if arguments.botocore_ms else None
    if one_request and botocore_ns:
        lines.append(f"| encode + sign, one 1000-datum PutMetricData request | {show_time(one_request)} |  | "
                     f"botocore (Python, the original's path) | {show_time(botocore_ns)} |  | "
                     f"{one_request / botocore_ns:.3f}× |")
    end_to_end = ours("cut + encode + sign, 100k series to PutMetricData").get("ns")
    if end_to_end and botocore_ns:
        lines.append(f"| cut + encode + sign, 100k series to PutMetricData | {show_time(end_to_end)} |  | "
                     f"botocore × 100 requests (encode + sign only) | {show_time(botocore_ns * 100)} |  | "
                     f"{end_to_end / (botocore_ns * 100):.3f}× |")
    sha = ours("sha256, 1 MiB").get("ns")
    openssl_bps = float(arguments.openssl_bytes_per_second) if arguments.openssl_bytes_per_second else None
    if sha and openssl_bps:
        openssl_ns = (1 << 20) / openssl_bps * 1e9
        lines.append(f"| sha256, 1 MiB | {show_time(sha)} |  | openssl speed -evp sha256 (16 KiB blocks) | "
                     f"{show_time(openssl_ns)} |  | {sha / openssl_ns:.2f}× |")

    # Encoding rows from metrics-bench (package API), same invocation.
    for name, (value, unit) in bench_rows.items():
        if (unit in ("ms", "µs") and "encode" in name) or unit == "bytes" and name.startswith("heap"):
            lines.append(f"| {name} (metrics-bench) | {value:g} {unit} |  | — |  |  |  |")

    # The targets of the performance issue, judged on this run.
    targets = []

    def judge(name, value, goal, passed, detail=""):
        targets.append(f"| {name} | {value} | {goal} | {'met' if passed else 'missed'} |{detail}")

    def ns(case, implementation="ours"):
        return cases.get(case, {}).get(implementation, {}).get("ns")

    # Issue 27 (performance, round 3); the last three rows hold issue 14's.
    one, two = ns("counter.increment, 1 thread"), ns("counter.increment, 2 threads on one counter")
    prom, atomic = ns("counter.increment, 1 thread", "prometheus"), ns("counter.increment, 1 thread", "atomic")
    put_one = ns("put(name, value, stream:, shardId:), existing series, 1 thread")
    if put_one and atomic:
        judge("put on an existing series, 1 thread, vs a bare atomic add", f"{show_time(put_one)}, {put_one / atomic:.1f}× "
              f"(atomic {show_time(atomic)})", "≤ 6×", put_one / atomic <= 6)
    if end_to_end:
        judge("cut + encode + sign, 100k series", show_time(end_to_end), "≤ 40 ms", end_to_end <= 40e6)
    emf = bench_rows.get("EMF: encode 10k series into PutLogEvents calls (ms)")
    put = bench_rows.get("PutMetricData: encode the same 10k series into requests (ms)")
    pairs = bench_rows.get("EMF / PutMetricData encoding time, same 10k series, pairs back to back (ratio)")
    if pairs:
        judge("EMF encode vs PutMetricData, same 10k series (median of back-to-back pairs)",
              f"{pairs[0]:.2f}× (medians apart: {emf[0]:.1f} / {put[0]:.1f} ms)" if emf and put else f"{pairs[0]:.2f}×",
              "≤ 1.0×", pairs[0] <= 1.0)
    otlp = bench_rows.get("OTLP protobuf: encode 1000 histograms (µs)")
    datadog = bench_rows.get("Datadog: encode 1000 histograms (µs)")
    if otlp:
        judge("OTLP protobuf, 1000 histograms", f"{otlp[0] / 1000:.2f} ms", "≤ 1.5 ms", otlp[0] <= 1500)
    if datadog:
        judge("Datadog, 1000 histograms", f"{datadog[0] / 1000:.2f} ms", "≤ 3 ms", datadog[0] <= 3000)
    facade, facade_prom = ns("facade Counter.increment"), ns("facade Counter.increment", "prometheus")
    if facade and facade_prom:
        judge("swift-metrics facade Counter.increment vs swift-prometheus", f"{facade / facade_prom:.2f}×",
              "≤ 1.0×", facade <= facade_prom)
    new_series = ns("new series (counter + increment), into 0 to 10k series")
    if new_series:
        judge("a new series (into 0 to 10k)", show_time(new_series), "≤ 550 ns", new_series <= 550)
    # Without the malloc interposer's 16-byte header per allocation, which
    # the Peers row (and swift-prometheus's beside it) includes.
    heap = bench_rows.get("heap per live counter series, 10k series (bytes)")
    if heap:
        judge("heap per live counter series, 10k (metrics-bench: no interposer)", f"{heap[0]:.0f} B", "≤ 256 B",
              heap[0] <= 256)
    if one and prom and atomic:
        judge("counter.increment, 1 thread, vs swift-prometheus / vs bare atomic (held)",
              f"{one / prom:.2f}× / {one / atomic:.2f}×", "≤ 1.0× / ≤ 1.5×", one / prom <= 1.0 and one / atomic <= 1.5)
    if one and two:
        judge("one counter, 2 threads: aggregate throughput vs 1 thread (held)", f"{one / two:.2f}× ({show_time(two)} wall per op)",
              "≥ 1.8×", one / two >= 1.8)
    h_ours, h_prom = ns("histogram.record"), ns("histogram.record", "prometheus")
    if h_ours and h_prom:
        mallocs = ours("histogram.record").get("mallocs", 0)
        judge("histogram.record vs swift-prometheus ValueHistogram (held)", f"{h_ours / h_prom:.2f}×, {mallocs:.2f} mallocs/op",
              "≤ 0.5×, 0 mallocs", h_ours / h_prom <= 0.5 and mallocs < 0.01)

    date = datetime.date.today().isoformat()
    text = []
    text.append(f"Measured {date} by `Benchmarks/compare.sh` on {arguments.machine}: "
                "medians of package-benchmark's samples (p50), every row from the same invocation. "
                "Mallocs are per operation (whole-operation rows: per operation too, i.e. per cut or request) "
                "and count every thread's mallocs during the sample.")
    text.append("")
    text.extend(lines)
    text.append("")
    text.append("| target | this run | goal | |")
    text.append("|---|---|---|---|")
    text.extend(targets)
    block = "\n".join(text)
    print(block)

    if smoke:
        print("\n(smoke run: sizes cut down, figures meaningless; Docs/performance.md left alone)", file=sys.stderr)
        return
    with open(arguments.docs) as handle:
        docs = handle.read()
    if BEGIN not in docs or END not in docs:
        print(f"{arguments.docs} has no {BEGIN} ... {END} markers; not written", file=sys.stderr)
        sys.exit(1)
    head, rest = docs.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(arguments.docs, "w") as handle:
        handle.write(head + BEGIN + "\n" + block + "\n" + END + tail)
    print(f"\nwritten into {arguments.docs}", file=sys.stderr)


if __name__ == "__main__":
    main()
