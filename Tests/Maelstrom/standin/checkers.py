"""The workloads' checkers, after Maelstrom's and Jepsen's (read from their .clj sources).

Each takes the history (a list of invocations and completions, see runner.Run.record) and
returns a dict with `valid` (True, False or "unknown", as Jepsen) and the figures it found.
"""

from .jsonval import canon


def completions(history):
    """The completions, each with its invocation, in history order."""
    return [(history[op["invoke_index"]], op) for op in history if op["type"] != "invoke"]


def echo(history):
    """Maelstrom's echo checker: every invocation's completion is an echo_ok of its payload.

    As in Maelstrom, an echo that failed, timed out or never completed is an error too.
    """
    errors = []
    for op in history:
        if op["type"] != "invoke":
            continue
        done = history[op["complete_index"]] if "complete_index" in op else None
        if done is None or done["type"] != "ok":
            errors.append(f"echo {op['value']!r} got no echo_ok "
                          f"({done.get('error') if done else 'no completion'})")
        elif canon(done["value"].get("echo")) != canon(op["value"]):
            errors.append(f"echo {op['value']!r} came back as {done['value'].get('echo')!r}")
    return {"valid": not errors, "errors": errors[:10], "error_count": len(errors)}


def unique_ids(history):
    """Jepsen's unique-ids checker: the ids of acknowledged generates are all distinct."""
    seen = {}
    attempted = 0
    for op in history:
        if op["f"] != "generate":
            continue
        if op["type"] == "invoke":
            attempted += 1
        elif op["type"] == "ok":
            key = canon(op["value"])
            seen[key] = seen.get(key, 0) + 1
    dups = {k: n for k, n in seen.items() if n > 1}
    return {"valid": not dups, "attempted": attempted, "acknowledged": sum(seen.values()),
            "duplicated_count": len(dups), "duplicated": dict(list(dups.items())[:10])}


def quantiles(values, points=(0, 0.5, 0.95, 0.99, 1)):
    """Jepsen's frequency-distribution: the element at floor(n * p), clamped."""
    ordered = sorted(values)
    if not ordered:
        return None
    n = len(ordered)
    return {p: ordered[min(n - 1, int(n * p))] for p in points}


def set_full(history, add_f="add"):
    """Jepsen's set-full (Maelstrom's g-set and broadcast checker), plus one check of ours.

    For each added element: it is *known* from its add's ok completion or the first read
    completion that shows it, whichever is first in the history; a read's invocation is
    *present* or *absent* for it. The element is *stable* when some read shows it and every read
    invoked later does too; *lost* when it is known, some read invoked after it was known misses
    it and no read invoked later shows it; else *never-read*. Valid: no lost element, and at
    least one stable (else "unknown"). Stable latency: from the known time to just after the last
    read that missed it (0 if none), in ms; Maelstrom reports its quantiles.

    Ours, on top (SPEC section 8: every acknowledged value reaches every node once partitions
    heal): every final read that succeeded contains every element whose add was acknowledged.
    """
    elements = {}  # canon -> state
    order = []
    for op in history:
        if op["f"] == add_f:
            key = canon(op["value"])
            if op["type"] == "invoke":
                elements[key] = {"value": op["value"], "known": None, "present": None,
                                 "absent": None, "acked": False}
                order.append(key)
            elif op["type"] == "ok" and key in elements:
                e = elements[key]
                e["acked"] = True
                if e["known"] is None:
                    e["known"] = op
        elif op["f"] == "read" and op["type"] == "ok":
            inv = history[op["invoke_index"]]
            seen = {canon(v) for v in op["value"]}
            for key, e in elements.items():
                if key in seen:
                    if e["known"] is None:
                        e["known"] = op
                    if e["present"] is None or e["present"]["index"] < inv["index"]:
                        e["present"] = inv
                elif e["absent"] is None or e["absent"]["index"] < inv["index"]:
                    e["absent"] = inv
    stable, lost, never, latencies = [], [], [], []
    for key in order:
        e = elements[key]
        present, absent, known = e["present"], e["absent"], e["known"]
        p_idx = present["index"] if present else -1
        a_idx = absent["index"] if absent else -1
        if present and a_idx < p_idx:
            stable.append(e["value"])
            stable_time = absent["time"] if absent else 0.0
            latencies.append(max(0, int((stable_time - known["time"]) * 1000)))
        elif known and absent and p_idx < a_idx and known["index"] < a_idx:
            lost.append(e["value"])
        else:
            never.append(e["value"])
    acked = {k for k, e in elements.items() if e["acked"]}
    incomplete = []
    final_reads = [op for op in history if op["f"] == "read" and op["type"] == "ok"
                   and op["final"]]
    for op in final_reads:
        missing = acked - {canon(v) for v in op["value"]}
        if missing:
            incomplete.append({"process": op["process"], "missing": len(missing),
                               "some": sorted(missing)[:5]})
    if lost:
        valid = False
    elif not stable:
        valid = "unknown"
    else:
        valid = True
    return {"valid": valid if not incomplete or valid is False else False,
            "maelstrom_valid": valid,
            "attempt_count": len(order), "stable_count": len(stable), "lost_count": len(lost),
            "lost": lost[:10], "never_read_count": len(never), "never_read": never[:10],
            "stable_latencies": quantiles(latencies),
            "final_reads": len(final_reads), "final_reads_complete": not incomplete,
            "incomplete_final_reads": incomplete[:5]}


def counter(history):
    """Maelstrom's pn-counter checker (g-counter uses it too).

    The acceptable final values: the sum of acknowledged adds plus any subset of the
    indefinite (info) adds, kept as Maelstrom keeps them: open ranges (lo - 1, hi + 1) that
    coalesce when they touch. Every final read that succeeded must be acceptable. Failed adds
    count for nothing; reads during the run are not checked.
    """
    definite = sum(op["value"] for op in history if op["f"] == "add" and op["type"] == "ok")
    ranges = [(definite - 1, definite + 1)]  # open ranges
    for op in history:
        if op["f"] == "add" and op["type"] == "info":
            d = op["value"]
            ranges = _coalesce(ranges + [(lo + d, hi + d) for lo, hi in ranges])
    final = [op["value"] for op in history if op["f"] == "read" and op["type"] == "ok"
             and op["final"]]
    bad = [v for v in final if not any(lo < v < hi for lo, hi in ranges)]
    return {"valid": not bad, "final_reads": final, "errors": bad[:10],
            "acceptable": [[lo + 1, hi - 1] for lo, hi in ranges][:10]}


def _coalesce(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def availability(history, wanted):
    """Maelstrom's availability checker: ok / invocations, against `total` or a fraction."""
    invokes = sum(1 for op in history if op["type"] == "invoke")
    oks = sum(1 for op in history if op["type"] == "ok")
    fraction = 1.0 if invokes == 0 else oks / invokes
    if wanted is None:
        valid = True
    elif wanted == "total":
        valid = fraction == 1.0
    else:
        valid = fraction >= float(wanted)
    return {"valid": valid, "ok_fraction": fraction, "ok": oks, "invokes": invokes}
