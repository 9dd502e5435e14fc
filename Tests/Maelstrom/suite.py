#!/usr/bin/env python3
"""Runs the workloads through the stand-in and prints one table.

  suite.py --bin .build/release/messenger            the "Gossip Glomers" settings (make
                                                    maelstrom-local), a few minutes
  suite.py --bin PATH --short                        5 nodes, 3 s each, every workload without
                                                    and with partitions (make check); 2 s of
                                                    recovery, 5 s after partitions
  suite.py --bin PATH --short -w broadcast --nemesis partition     one of them
  suite.py --bin PATH --probe broadcast              exit 0 if the binary answers broadcast

The node's command line for workload W is the first of: `messenger-W` beside PATH, `PATH
--workload W`, and (for echo only) `PATH`, that answers W's first request with anything but
error 10 (or exit status 64, an unknown flag). A workload no candidate answers is skipped and
said so; it does not fail the suite. `--bin` may be a command line (quoted): the reference nodes
are `--bin "python3 Tests/Maelstrom/refnodes/refnode.py"`.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from standin import report  # noqa: E402
from standin.runner import Run  # noqa: E402

# The settings of the public challenges (fly.io/dist-sys), one row each; g-set has no challenge
# and takes broadcast's partition settings.
GLOMERS = [
    ("echo", dict(node_count=1, time_limit=10)),
    ("unique-ids", dict(node_count=3, time_limit=30, rate=1000, availability="total",
                        nemesis="partition")),
    ("broadcast", dict(node_count=5, time_limit=20, rate=10, nemesis="partition")),
    ("broadcast", dict(node_count=25, time_limit=20, rate=100, latency=100)),
    ("g-set", dict(node_count=5, time_limit=20, rate=10, nemesis="partition")),
    ("g-counter", dict(node_count=3, time_limit=20, rate=100, nemesis="partition")),
    ("pn-counter", dict(node_count=3, time_limit=20, rate=100, nemesis="partition")),
    ("kafka", dict(node_count=2, concurrency="2n", time_limit=20, rate=1000)),
    ("kafka", dict(node_count=2, concurrency="2n", time_limit=20, rate=1000,
                   nemesis="partition")),
]

WORKLOADS = ("echo", "unique-ids", "broadcast", "g-set", "g-counter", "pn-counter", "kafka")


def short_runs(only=None, nemeses=("none", "partition")):
    """5 nodes, 3 s, 30 ops/s; with partitions every 0-2 s and 5 s of recovery (a node may have
    backed off its retries while partitioned), else 2 s."""
    runs = []
    for w in WORKLOADS:
        if only and w not in only:
            continue
        for nem in nemeses:
            opts = dict(node_count=5, time_limit=3, rate=30, recovery=2.0)
            if nem == "partition":
                opts.update(nemesis="partition", nemesis_interval=1.0, recovery=5.0)
            if w == "unique-ids":
                opts["availability"] = "total"
            runs.append((w, opts))
    return runs


PROBES = {
    "echo": {"type": "echo", "echo": "probe"},
    "unique-ids": {"type": "generate"},
    "broadcast": {"type": "topology", "topology": {"n0": []}},
    "g-set": {"type": "read"},
    "g-counter": {"type": "read"},
    "pn-counter": {"type": "read"},
    "kafka": {"type": "poll", "offsets": {}},
}


def answers(argv, workload, wait=1.5):
    """Whether `argv` answers `workload`'s first request with anything but error 10."""
    lines = [{"src": "c0", "dest": "n0", "body": {"type": "init", "msg_id": 1,
                                                   "node_id": "n0", "node_ids": ["n0"]}},
             {"src": "c1", "dest": "n0", "body": dict(PROBES[workload], msg_id=1)}]
    text = "".join(json.dumps(x) + "\n" for x in lines)
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return False
    try:
        out, _ = proc.communicate(text, timeout=wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    if proc.returncode not in (0, None, -9):
        return False
    for line in out.splitlines():
        try:
            body = json.loads(line)["body"]
        except (ValueError, KeyError, TypeError):
            return False
        if body.get("in_reply_to") == 1 and body.get("type") == "error" and body.get("code") == 10:
            if json.loads(line).get("dest") == "c1":
                return False
    return True


def command_for(bin_, workload):
    """The node command line for `workload`, or None when the binary does not answer it."""
    base = shlex.split(bin_)
    candidates = []
    if len(base) == 1:
        sibling = os.path.join(os.path.dirname(base[0]), f"messenger-{workload}")
        if os.path.exists(sibling):
            candidates.append([sibling])
    candidates.append(base + ["--workload", workload])
    if workload == "echo":
        candidates.append(base)
    for argv in candidates:
        if answers(argv, workload):
            return argv
    return None


def run_one(workload, settings, argv, seed, keep):
    opts = {"workload": workload, "bin": argv, "node_count": 5, "concurrency": None,
            "time_limit": 10, "rate": 5, "latency": 0, "latency_dist": "constant",
            "nemesis": None, "nemesis_interval": 10.0, "topology": "grid",
            "availability": None, "recovery": 10.0, "seed": seed, "store": None,
            "log_net": False}
    opts.update(settings)
    c = opts["concurrency"]
    if isinstance(c, str):
        opts["concurrency"] = int(c[:-1]) * opts["node_count"]
    store = tempfile.mkdtemp(prefix=f"standin-{workload}-")
    opts["store"] = store
    result = Run(opts).execute()
    if result["valid"] and not keep:
        subprocess.run(["rm", "-rf", store], check=False)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    p.add_argument("--bin", required=True)
    p.add_argument("--short", action="store_true")
    p.add_argument("-w", "--workload", action="append", default=None)
    p.add_argument("--nemesis", choices=("none", "partition"), default=None)
    p.add_argument("--probe", default=None, metavar="WORKLOAD")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--recovery", type=float, default=None,
                   help="seconds between healing and the final reads, for every run")
    p.add_argument("--keep", action="store_true", help="keep the logs of valid runs too")
    p.add_argument("--json", default=None, help="write every result here")
    args = p.parse_args()
    if args.probe:
        return 0 if command_for(args.bin, args.probe) else 3
    if args.short:
        nemeses = (args.nemesis,) if args.nemesis else ("none", "partition")
        runs = short_runs(args.workload, nemeses)
    else:
        runs = [(w, s) for w, s in GLOMERS if not args.workload or w in args.workload]
        if args.nemesis:
            runs = [(w, s) for w, s in runs
                    if (s.get("nemesis") or "none") == args.nemesis]
    seed = args.seed if args.seed is not None else int(time.time())
    commands, results, skipped = {}, [], []
    for i, (workload, settings) in enumerate(runs):
        if workload not in commands:
            commands[workload] = command_for(args.bin, workload)
        argv = commands[workload]
        if argv is None:
            if workload not in skipped:
                skipped.append(workload)
            continue
        if args.recovery is not None:
            settings = dict(settings, recovery=args.recovery)
        started = time.monotonic()
        r = run_one(workload, settings, argv, seed + i, args.keep)
        r["command"] = " ".join(argv)
        r["seconds"] = round(time.monotonic() - started, 1)
        results.append(r)
        print(f"  {workload} ({r['nemesis']}, {r['nodes']} nodes): "
              f"{'valid' if r['valid'] else 'NOT VALID'} in {r['seconds']} s", flush=True)
    print()
    print(report.table(results))
    for r in results:
        if not r["valid"]:
            print(report.explain(r))
    for w in skipped:
        print(f"skipped {w}: {args.bin} does not answer {w} (tried messenger-{w} beside it "
              f"and --workload {w})")
    print(f"seed {seed}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=str)
    # A workload the binary does not answer fails the run too: every workload is implemented,
    # so a skip would hide a regression.
    return 0 if all(r["valid"] for r in results) and not skipped else 1


if __name__ == "__main__":
    sys.exit(main())
