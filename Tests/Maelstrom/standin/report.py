"""Results in Maelstrom's terms, and the table `make maelstrom-local` prints.

- availability: ok operations / invoked operations (all client operations, final ones
  included), as Maelstrom's availability checker;
- msgs/op: messages between servers per operation, as Maelstrom's net checker: every message
  that involves no client (node to node and node to service, both ways) / client invocations.
  `node msgs/op` counts node-to-node messages only;
- for broadcast and g-set, the stable latencies (Jepsen set-full: from the moment an element is
  known, its add acknowledged or first read, to the start of the last read that missed it),
  median and maximum, in ms;
- final reads: what the final reads showed (see `final_reads`); checker: the workload's checker
  (see checkers.py and kafka_checker.py): valid, FALSE or UNKNOWN;
- valid: the checker, the availability goal, and no protocol violation or crash;
- lag p99: how late the stand-in delivered messages (1 in 16 sampled), its own delay, which
  adds to every latency it measures; large values mean a machine too loaded to trust the
  timing figures.
"""

import json

from . import checkers


def result(run, failure, statuses):
    """The result dict of one run."""
    out = {"workload": run.opts["workload"], "nodes": len(run.node_ids),
           "concurrency": run.concurrency, "rate": run.opts["rate"],
           "time_limit": run.opts["time_limit"], "latency": run.opts.get("latency", 0),
           "nemesis": run.opts.get("nemesis") or "none", "store": run.store,
           "failure": failure, "exit_statuses": statuses}
    history = run.history
    avail = checkers.availability(history, run.opts.get("availability"))
    invokes = avail["invokes"]
    net = run.net
    out.update({
        "invokes": invokes, "ok": avail["ok"], "availability": avail["ok_fraction"],
        "availability_valid": avail["valid"],
        "server_msgs": net.server_messages, "node_msgs": net.node_to_node,
        "service_msgs": net.node_service,
        "msgs_per_op": net.server_messages / invokes if invokes else 0.0,
        "node_msgs_per_op": net.node_to_node / invokes if invokes else 0.0,
        "dropped_by_partitions": net.dropped_partition,
        "partitions": sum(1 for e in run.nemesis.events if e[1] == "start")
        if run.nemesis else 0,
        "loop_lag_ms": checkers.quantiles(net.lateness_ms),
    })
    if failure is None:
        check = run.workload.check(history, run)
    else:
        check = {"valid": False}
    out["check"] = check
    lat = check.get("stable_latencies")
    out["latency_median_ms"] = lat[0.5] if lat else None
    out["latency_max_ms"] = lat[1] if lat else None
    out["valid"] = failure is None and check["valid"] is True and avail["valid"]
    return out


def _fmt_latency(r):
    if r["latency_median_ms"] is None:
        return "-"
    return f"{r['latency_median_ms']}/{r['latency_max_ms']}"


HEADER = ("workload", "nodes", "lat ms", "rate", "secs", "nemesis", "ops", "avail",
          "msgs/op", "node msgs/op", "stable p50/max ms", "final reads", "checker", "valid",
          "lag p99 ms")


def final_reads(r):
    """What the final reads showed: every acknowledged value in each (sets), an acceptable
    value in each (counters), every acknowledged send polled (kafka)."""
    check = r["check"]
    if r["failure"]:
        return "-"
    if "final_reads_complete" in check:
        return f"{check['final_reads']} " + ("complete" if check["final_reads_complete"]
                                            else "MISSING VALUES")
    if "acceptable" in check:
        return f"{len(check['final_reads'])} " + ("in bounds" if not check["errors"]
                                                 else "OUT OF BOUNDS")
    if "error_counts" in check:
        return "all polled" if "unseen" not in check["error_counts"] else "UNSEEN SENDS"
    return "-"


def _nemesis(r):
    return r["nemesis"] if r["nemesis"] == "none" else f"{r['nemesis']} x{r['partitions']}"


def row(r):
    """One table row of a result."""
    checker = "error" if r["failure"] else ("valid" if r["check"]["valid"] is True else
                                            str(r["check"]["valid"]).upper())
    return (r["workload"], str(r["nodes"]), str(r["latency"]), f"{r['rate']:g}",
            f"{r['time_limit']:g}", _nemesis(r), str(r["invokes"]),
            f"{r['availability']:.3f}", f"{r['msgs_per_op']:.2f}",
            f"{r['node_msgs_per_op']:.2f}", _fmt_latency(r), final_reads(r), checker,
            "yes" if r["valid"] else "NO", _fmt_lag(r))


def _fmt_lag(r):
    lag = r.get("loop_lag_ms")
    return f"{lag[0.99]:.0f}" if lag else "-"


def table(results):
    """The results as a fixed-width text table."""
    rows = [HEADER] + [row(r) for r in results]
    widths = [max(len(x[i]) for x in rows) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(x, widths)).rstrip() for x in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def explain(r):
    """A short text on a run that did not pass: what failed and where the logs are."""
    lines = [f"{r['workload']} ({r['nemesis']}): NOT VALID; logs in {r['store']}"]
    if r["failure"]:
        lines.append(f"  run failed: {r['failure']}")
    check = r["check"]
    if check.get("valid") is not True and not r["failure"]:
        detail = {k: v for k, v in check.items() if k not in ("stable_latencies",)}
        lines.append("  checker: " + json.dumps(detail, default=str)[:2000])
    if not r["availability_valid"]:
        lines.append(f"  availability {r['availability']:.3f} is below the goal")
    return "\n".join(lines)
