#!/usr/bin/env python3
"""Prints the table of `make bench` from echo_bench.py's JSON lines (one line per invocation).

    python3 scripts/bench_table.py bench-out/echo.jsonl [BASELINE_LABEL]

Per label: median msgs/s, the ratio to the baseline (default `floor`), median startup, peak RSS,
max threads and how many runs were correct.
"""
import json
import statistics
import sys


def main():
    path = sys.argv[1]
    baseline = sys.argv[2] if len(sys.argv) > 2 else "floor"
    runs = {}
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            runs.setdefault(record["label"], []).extend(record["runs"])
    if not runs:
        sys.exit("no runs recorded")

    def median(values):
        return statistics.median(values) if values else float("nan")

    rows = {}
    for label, rs in runs.items():
        good = [r for r in rs if r.get("ok")]
        rows[label] = {
            "msgs": median([r["msgs_per_s"] for r in good if r.get("msgs_per_s")]),
            "startup": median([r["startup_ms"] for r in rs if r.get("startup_ms") is not None]),
            "rss": max([r.get("maxrss_kb") or 0 for r in rs]),
            "threads": max([r.get("max_threads") or 0 for r in rs]),
            "ok": f"{len(good)}/{len(rs)}",
        }
    base = rows.get(baseline, {}).get("msgs", float("nan"))
    header = f"{'node':<12} {'msgs/s':>10} {'x ' + baseline:>9} {'startup ms':>11} " \
             f"{'peak RSS KiB':>13} {'threads':>8} {'ok':>6}"
    print(header)
    print("-" * len(header))
    for label, row in rows.items():
        ratio = row["msgs"] / base if base == base and base else float("nan")
        print(f"{label:<12} {row['msgs']:>10.0f} {ratio:>9.3f} {row['startup']:>11.1f} "
              f"{row['rss']:>13} {row['threads']:>8} {row['ok']:>6}")


if __name__ == "__main__":
    main()
