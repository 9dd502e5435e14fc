#!/usr/bin/env python3
"""Prints the throughput table of `make bench` from scripts/echo_bench.py's JSON lines.

    python3 scripts/bench_table.py bench-out/echo.jsonl [BASELINE_LABEL]

Per label: median msgs/s of the correct burst runs, its ratio to the baseline's (default
`floor`), median startup and VmRSS after init of the --starts runs, peak RSS, threads and how
many burst runs were correct. Then the ratio of each round (the k-th run of a label against the
baseline's k-th, run beside it) and the median of those ratios: the figure to quote.
"""
import json
import statistics
import sys


def median(values):
    return statistics.median(values) if values else float("nan")


def main():
    path = sys.argv[1]
    baseline = sys.argv[2] if len(sys.argv) > 2 else "floor"
    bursts, starts = {}, {}
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            table = starts if "starts" in record else bursts
            table.setdefault(record["label"], []).append(record)
    if baseline not in bursts:
        sys.exit("bench_table: no %s runs in %s" % (baseline, path))

    def rate(run):
        return run["msgs_per_s"] if run["ok"] else float("nan")

    base = median([rate(r) for r in bursts[baseline] if r["ok"]])
    header = "%-10s %10s %8s %11s %15s %13s %8s %5s" % (
        "node", "msgs/s", "x " + baseline, "startup ms", "RSS init KiB", "peak RSS KiB",
        "threads", "ok")
    print(header)
    print("-" * len(header))
    for label, runs in bursts.items():
        good = [r for r in runs if r["ok"]]
        rate_median = median([r["msgs_per_s"] for r in good])
        boot = starts.get(label, runs)  # The --starts runs when there are some.
        print("%-10s %10.0f %8.3f %11.2f %15.0f %13d %8d %5s" % (
            label, rate_median, rate_median / base,
            median([r["startup_ms"] for r in boot if "startup_ms" in r]),
            median([r["rss_after_init_kb"] for r in boot if "rss_after_init_kb" in r]),
            max(r["peak_rss_kb"] for r in runs), max(r["threads"] for r in runs),
            "%d/%d" % (len(good), len(runs))))
    for label, runs in bursts.items():
        if label == baseline:
            continue
        ratios = [rate(r) / rate(b) for r, b in zip(runs, bursts[baseline])]
        shown = ", ".join("%.3f" % x for x in ratios)
        kept = [x for x in ratios if x == x]  # A failed run is nan: shown, not counted.
        print("%s / %s per round: %s; median %.3f" % (label, baseline, shown, median(kept)))
    if starts:
        print("startup and RSS after init: median of %d runs each"
              % max(r["starts"] for rs in starts.values() for r in rs))


if __name__ == "__main__":
    main()
