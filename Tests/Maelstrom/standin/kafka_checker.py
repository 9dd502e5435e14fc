"""The kafka checker: the parts of jepsen/tests/kafka.clj's analysis that apply to Maelstrom's
kafka workload (single-operation transactions, assign only).

Version order: for each key, the values seen at each offset, from acknowledged sends and from
every successful poll; the *index* of a value is its position among the offsets that hold a
value (dense). Errors, each of which fails the run as in Jepsen (none of these is in Jepsen's
allowed list for :sub-via #{:assign}):

- inconsistent-offsets: two different values at one offset of a key;
- duplicate: one value at two offsets of a key;
- lost-write: a key's highest value polled is at index i, yet a value whose last index is at or
  below i, acknowledged (or indefinite but seen), was never polled;
- unseen: an acknowledged send whose value no poll ever returned;
- G1a (aborted read): a poll returned the value of a send that definitely failed;
- int-poll-skip / int-nonmonotonic-poll: inside one poll of a key, consecutive values are not
  consecutive in the version order (a gap, or going backwards or repeating);
- poll-skip / nonmonotonic-poll: for one process, the first value a poll returns for a key is
  not the one right after the last value its previous poll of that key returned (an assign
  keeps this only for the keys it still assigns);
- nonmonotonic-send: for one process, a send to a key lands at or before its previous send's.

Not done: Jepsen's Elle cycle search (G0, G1c, ...) over ww/wr/rw edges and the realtime-lag
plots. G0 is allowed for kafka anyway; G1c needs multi-operation transactions to matter much.
"""

from .jsonval import canon


def _op_writes(op):
    """key -> [values] this send wrote (acknowledged ones carry [offset, value])."""
    out = {}
    if op["f"] != "send" or not isinstance(op["value"], list):
        return out
    for mop in op["value"]:
        if mop[0] == "send":
            v = mop[2]
            value = v[1] if op["type"] == "ok" and isinstance(v, list) else v
            out.setdefault(mop[1], []).append(canon(value))
    return out


def _op_reads(op):
    """key -> [(offset, value)] this poll returned."""
    out = {}
    if op["f"] != "poll" or op["type"] != "ok":
        return out
    for mop in op["value"]:
        if mop[0] == "poll":
            for k, pairs in mop[1].items():
                out.setdefault(k, []).extend((off, canon(v)) for off, v in pairs)
    return out


def check(history):
    """The analysis above; `valid` is False when any error type is present."""
    ok_reads = {}    # key -> set of values read by ok polls
    for op in history:
        for k, pairs in _op_reads(op).items():
            ok_reads.setdefault(k, set()).update(v for _, v in pairs)
    logs = {}        # key -> {offset: set(values)}
    writer = {}      # (key, value) -> op
    for op in history:
        if op["type"] == "invoke":
            continue
        if op["f"] == "send":
            for k, vals in _op_writes(op).items():
                for v in vals:
                    writer[(k, v)] = op
            if op["type"] == "ok":
                for mop in op["value"]:
                    off, value = mop[2]
                    logs.setdefault(mop[1], {}).setdefault(off, set()).add(canon(value))
        for k, pairs in _op_reads(op).items():
            for off, v in pairs:
                logs.setdefault(k, {}).setdefault(off, set()).add(v)
    errors = {}

    def add(kind, item):
        errors.setdefault(kind, []).append(item)

    by_value, last_index, first_index = {}, {}, {}
    for k, log in logs.items():
        index = 0
        by_value[k], first_index[k], last_index[k] = {}, {}, {}
        for off in sorted(log):
            values = log[off]
            if len(values) > 1:
                add("inconsistent-offsets", {"key": k, "offset": off, "values": sorted(values)})
            for v in values:
                first_index[k].setdefault(v, index)
                last_index[k][v] = index
            by_value[k].setdefault(sorted(values)[0], index)
            index += 1
        counts = {}
        for off, values in log.items():
            for v in values:
                counts.setdefault(v, []).append(off)
        for v, offs in counts.items():
            if len(offs) > 1:
                add("duplicate", {"key": k, "value": v, "offsets": sorted(offs)})

    def committed(k, v):
        op = writer.get((k, v))
        return op is not None and (op["type"] == "ok" or
                                   (op["type"] == "info" and v in ok_reads.get(k, ())))

    for k, vs in ok_reads.items():
        bound = max((first_index[k][v] for v in vs if v in first_index[k]), default=-1)
        must = [v for v, i in last_index[k].items() if i <= bound]
        for v in must:
            if v not in vs and committed(k, v):
                add("lost-write", {"key": k, "value": v, "index": first_index[k][v],
                                   "max_read_index": bound})

    acked = {}
    for op in history:
        if op["f"] == "send" and op["type"] == "ok":
            for k, vals in _op_writes(op).items():
                acked.setdefault(k, set()).update(vals)
    unseen = {k: sorted(vals - ok_reads.get(k, set())) for k, vals in acked.items()}
    unseen = {k: v for k, v in unseen.items() if v}
    if unseen:
        add("unseen", {"keys": len(unseen), "messages": sum(len(v) for v in unseen.values()),
                       "some": {k: v[:5] for k, v in list(unseen.items())[:5]}})

    failed = {}
    for op in history:
        if op["f"] == "send" and op["type"] == "fail":
            for k, vals in _op_writes(op).items():
                failed.setdefault(k, set()).update(vals)
    for k, vs in ok_reads.items():
        for v in vs & failed.get(k, set()):
            add("G1a", {"key": k, "value": v})

    _internal_polls(history, by_value, add)
    _per_process(history, by_value, add)
    counts = {kind: len(items) for kind, items in errors.items()}
    return {"valid": not errors, "error_types": sorted(errors), "error_counts": counts,
            "errors": {kind: items[:5] for kind, items in errors.items()},
            "keys": len(logs), "acknowledged_sends": sum(len(v) for v in acked.values())}


def _delta(order, v1, v2):
    i1, i2 = order.get(v1), order.get(v2)
    return (i2 - i1) if i1 is not None and i2 is not None else 1


def _internal_polls(history, by_value, add):
    for op in history:
        for k, pairs in _op_reads(op).items():
            values = [v for _, v in pairs]
            for v1, v2 in zip(values, values[1:]):
                d = _delta(by_value.get(k, {}), v1, v2)
                if d > 1:
                    add("int-poll-skip", {"key": k, "values": [v1, v2], "delta": d})
                elif d < 1:
                    add("int-nonmonotonic-poll", {"key": k, "values": [v1, v2], "delta": d})


def _per_process(history, by_value, add):
    last_read, last_send = {}, {}   # process -> key -> last value
    for op in history:
        if op["type"] == "invoke":
            continue
        p = op["process"]
        reads, sends = last_read.setdefault(p, {}), last_send.setdefault(p, {})
        if op["f"] == "assign" and op["type"] == "ok":
            for table in (reads, sends):
                for k in [k for k in table if k not in op["value"]]:
                    del table[k]
        elif op["f"] == "poll" and op["type"] == "ok":
            for k, pairs in _op_reads(op).items():
                if not pairs:
                    reads[k] = None  # Jepsen: an empty read of a key resets the comparison
                    continue
                if reads.get(k) is not None:
                    d = _delta(by_value.get(k, {}), reads[k], pairs[0][1])
                    if d > 1:
                        add("poll-skip", {"key": k, "process": p, "delta": d,
                                          "values": [reads[k], pairs[0][1]]})
                    elif d < 1:
                        add("nonmonotonic-poll", {"key": k, "process": p, "delta": d,
                                                  "values": [reads[k], pairs[0][1]]})
                reads[k] = pairs[-1][1]
        elif op["f"] == "send" and op["type"] in ("ok", "info"):
            for k, vals in _op_writes(op).items():
                if k in sends:
                    d = _delta(by_value.get(k, {}), sends[k], vals[0])
                    if d < 1:
                        add("nonmonotonic-send", {"key": k, "process": p, "delta": d,
                                                  "values": [sends[k], vals[0]]})
                sends[k] = vals[-1]
