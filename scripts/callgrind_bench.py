#!/usr/bin/env python3
"""Instructions per message under callgrind (part of `make bench`): exact, and the same from run
to run, where times on a busy machine move by tens of percent.

    python3 scripts/callgrind_bench.py [--n 20000] [--calls 10000] [--out DIR] \\
        --floor FLOOR -- NODE ARGS...

Each input of scripts/bench_input.py is piped into the program under
`valgrind --tool=callgrind`; its replies are checked (every one, byte for byte in Python's format
for the node); the count is (instructions of init + the input - instructions of init alone) / N.
Rows: echo (node and floor, N bench echoes), mixed (node, N echoes of nested random JSON values)
and relay (node, N relays each answered at once by n2 in the same input: one per call).
With --bench (the in-process Bench binary): what an attempt timeout that is answered costs, as
(`Bench timeouts CALLS B` - `Bench calls CALLS B`) / CALLS: the runtime's timer queue with its
liveness check, one call per read (B = 1) and 300 per read (a burst).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import threading

import bench_input
import echo_bench


def instructions(cmd, data, out_dir, name):
    """Runs cmd under callgrind with `data` on a pipe; (instructions, stdout bytes)."""
    profile = os.path.join(out_dir, "callgrind.%s.out" % name)
    log = os.path.join(out_dir, "callgrind.%s.log" % name)
    valgrind = ["valgrind", "--tool=callgrind", "--vgdb=no", "--callgrind-out-file=" + profile,
                "--log-file=" + log]
    p = subprocess.Popen(valgrind + cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    writer = threading.Thread(target=lambda: (p.stdin.write(data), p.stdin.close()), daemon=True)
    writer.start()
    out = p.stdout.read()
    if p.wait(timeout=600) != 0:
        sys.exit("callgrind: %s exited with %d (see %s)" % (" ".join(cmd), p.returncode, log))
    with open(profile) as f:
        total = re.search(r"^(?:summary|totals): (\d+)", f.read(), re.M)
    return int(total.group(1)), out


def check_mixed(out, values):
    """Every reply is Python's json.dumps of itself, and echoes the value it was sent."""
    lines = out.splitlines()[1:]
    if len(lines) != len(values):
        return "%d replies to %d echoes" % (len(lines), len(values))
    for i, (line, value) in enumerate(zip(lines, values)):
        reply = json.loads(line)
        if json.dumps(reply).encode() != line or reply["body"].get("echo") != value \
                or reply["body"].get("in_reply_to") != i + 2:
            return "reply %d is wrong: %r" % (i, line[:200])
    return None


def check_relay(out, calls):
    """Attempt 2k+1 went to n2, and relay_ok 2k+2 with attempts 1 answered relay k."""
    lines = [json.loads(line) for line in out.splitlines()[1:]]
    if len(lines) != 2 * calls:
        return "%d lines for %d calls (want 2 each)" % (len(lines), calls)
    for k in range(calls):
        attempt, done = lines[2 * k]["body"], lines[2 * k + 1]["body"]
        if attempt.get("msg_id") != 2 * k + 1 or lines[2 * k]["dest"] != "n2" \
                or done.get("type") != "relay_ok" or done.get("attempts") != 1 \
                or done.get("in_reply_to") != k + 2 or done.get("msg_id") != 2 * k + 2:
            return "call %d did not complete at once: %r %r" % (k, attempt, done)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20000, help="echoes in the echo and mixed inputs")
    ap.add_argument("--calls", type=int, default=10000, help="relays in the relay input")
    ap.add_argument("--seed", type=int, default=1, help="seed of the mixed input")
    ap.add_argument("--floor", required=True)
    ap.add_argument("--out", default="bench-out")
    ap.add_argument("--bench", help="the Bench binary, for the cost of an answered timeout")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    node = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not node:
        ap.error("missing -- NODE ARGS...")
    os.makedirs(a.out, exist_ok=True)
    init = bench_input.build("init", 0)
    base = {"node": instructions(node, init, a.out, "node-init")[0],
            "floor": instructions([a.floor], init, a.out, "floor-init")[0]}
    values = bench_input.mixed_values(a.n, a.seed)
    mixed = bench_input.INIT.encode() + bench_input.mixed_lines(values).encode()
    rows = [
        ("echo", "floor", [a.floor], bench_input.build("echo", a.n), a.n,
         lambda out: (echo_bench.check(out, a.n) or [None])[0]),
        ("echo", "node", node, bench_input.build("echo", a.n), a.n,
         lambda out: (echo_bench.check(out, a.n) or [None])[0]),
        ("mixed", "node", node, mixed, a.n, lambda out: check_mixed(out, values)),
        ("relay", "node", node, bench_input.build("relay", a.calls), a.calls,
         lambda out: check_relay(out, a.calls)),
    ]
    print("%-6s %-6s %8s %14s %16s" % ("input", "who", "N", "instructions", "per message/call"))
    for who in ("floor", "node"):  # Init alone: the whole startup, subtracted below.
        print("%-6s %-6s %8s %14d %16s" % ("init", who, 1, base[who], "(startup)"))
    failed, per_echo = False, {}
    for kind, who, cmd, data, n, check in rows:
        total, out = instructions(cmd, data, a.out, "%s-%s" % (who, kind))
        problem = check(out)
        failed = failed or problem is not None
        per = (total - base[who]) / n
        per_echo.setdefault(kind, {})[who] = per
        print("%-6s %-6s %8d %14d %16.0f%s" % (kind, who, n, total, per,
                                                "  WRONG: " + problem if problem else ""),
              flush=True)
    print("floor / node on echo: %.3f" % (per_echo["echo"]["floor"] / per_echo["echo"]["node"]))
    if a.bench:
        for batch in (1, 300):
            armed, _ = instructions([a.bench, "timeouts", str(a.calls), str(batch)], b"", a.out,
                                    "bench-timeouts-%d" % batch)
            bare, _ = instructions([a.bench, "calls", str(a.calls), str(batch)], b"", a.out,
                                   "bench-calls-%d" % batch)
            print("answered attempt timeout, %d call(s) per read: %.0f instructions (Bench, %d calls)"
                  % (batch, (armed - bare) / a.calls, a.calls), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
