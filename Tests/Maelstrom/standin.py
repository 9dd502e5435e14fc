#!/usr/bin/env python3
"""A Maelstrom stand-in: runs one workload against N node processes and checks it.

  Tests/Maelstrom/standin.py test -w broadcast --bin .build/release/messenger-broadcast \\
      --node-count 25 --time-limit 20 --rate 100 --latency 100
  Tests/Maelstrom/standin.py test -w kafka --bin python3 Tests/Maelstrom/refnodes/refnode.py \\
      --workload kafka -- (everything after --bin up to the options is the node's command line)

Options follow `maelstrom test`. Prints the result row (and why a run is not valid); exits 0
when valid, 1 when not. `--json FILE` writes the full result.
"""

import argparse
import json
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from standin import report, workloads  # noqa: E402
from standin.runner import Run  # noqa: E402


def parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("test", help="run one workload")
    t.add_argument("-w", "--workload", required=True, choices=workloads.NAMES)
    t.add_argument("--bin", required=True,
                   help="the node's command line (split as a shell would)")
    t.add_argument("--node-count", type=int, default=5)
    t.add_argument("--concurrency", default=None,
                   help="client threads: a number or Nn (N times the node count); default 1n")
    t.add_argument("--time-limit", type=float, default=10.0)
    t.add_argument("--rate", type=float, default=5.0, help="operations per second, in all")
    t.add_argument("--latency", type=int, default=0, help="mean latency in ms")
    t.add_argument("--latency-dist", default="constant",
                   choices=("constant", "uniform", "exponential"))
    t.add_argument("--nemesis", default=None, choices=("partition",))
    t.add_argument("--nemesis-interval", type=float, default=10.0)
    t.add_argument("--topology", default="grid",
                   choices=("grid", "line", "total", "tree", "tree2", "tree3", "tree4"))
    t.add_argument("--availability", default=None, help="total, or a fraction from 0 to 1")
    t.add_argument("--recovery", type=float, default=10.0,
                   help="seconds between healing and the final reads (Maelstrom: 10)")
    t.add_argument("--seed", type=int, default=None)
    t.add_argument("--store", default=None, help="directory for node logs (default: a new "
                   "temporary one)")
    t.add_argument("--log-net", action="store_true", help="journal every message to net.log")
    t.add_argument("--json", default=None, help="write the full result here")
    return p


def options(args):
    """The run options dict from parsed arguments."""
    concurrency = None
    if args.concurrency:
        c = args.concurrency
        concurrency = int(c[:-1]) * args.node_count if c.endswith("n") else int(c)
    availability = args.availability
    if availability not in (None, "total"):
        availability = float(availability)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    return {"workload": args.workload, "bin": shlex.split(args.bin),
            "node_count": args.node_count, "concurrency": concurrency,
            "time_limit": args.time_limit, "rate": args.rate, "latency": args.latency,
            "latency_dist": args.latency_dist, "nemesis": args.nemesis,
            "nemesis_interval": args.nemesis_interval, "topology": args.topology,
            "availability": availability, "recovery": args.recovery, "seed": seed,
            "store": args.store, "log_net": args.log_net}


def main(argv=None):
    args = parser().parse_args(argv)
    opts = options(args)
    result = Run(opts).execute()
    result["seed"] = opts["seed"]
    print(report.table([result]))
    if not result["valid"]:
        print(report.explain(result))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1, default=str)
    return 0 if result["valid"] else 1


if __name__ == "__main__":
    sys.exit(main())
