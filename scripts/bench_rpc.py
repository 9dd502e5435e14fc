#!/usr/bin/env python3
"""RPC benchmarks through the real binary (part of `make bench`).

relays: N concurrent `relay`s to a silent node. Checks that each ends with exactly 3 attempts
  and one error reply, and reports how late attempts 2 and 3 went out (read-side timestamps
  against attempt k's + the RPC timeout) and the peak memory per call in flight.
fireforget: N pending `send_fire_forget` callbacks (reap threshold far away). Reports the
  resident memory per pending callback.

Memory is VmRSS/VmHWM of the node from /proc, minus the node's own after `init`.
Usage: bench_rpc.py [--relays 100000] [--callbacks 1000000] -- NODE [ARGS...]
"""
import argparse
import json
import os
import re
import select
import statistics
import subprocess
import sys
import threading
import time

INIT = '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}\n'


def proc_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Node:
    """The node under test, its stdout read in chunks with read-side timestamps."""

    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, bufsize=0)
        self.fd = self.p.stdout.fileno()
        self.chunks = []  # (monotonic seconds, bytes)
        self.rest = b""
        self.lines = 0

    def send(self, data):
        threading.Thread(target=self._write, args=(data,), daemon=True).start()

    def _write(self, data):
        try:
            self.p.stdin.write(data)
        except BrokenPipeError:
            pass

    def read_until(self, lines, timeout):
        """Reads stdout until `lines` lines in all have arrived, or raises after `timeout` s."""
        end = time.monotonic() + timeout
        while self.lines < lines:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("got %d of %d lines" % (self.lines, lines))
            r, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if not r:
                continue
            data = os.read(self.fd, 1 << 20)
            if not data:
                raise EOFError("node closed stdout after %d lines" % self.lines)
            self.chunks.append((time.monotonic(), data))
            self.lines += data.count(b"\n")

    def timed_lines(self):
        for t, data in self.chunks:
            data = self.rest + data
            *whole, self.rest = data.split(b"\n")
            for line in whole:
                yield t, line
        self.chunks = []

    def stop(self):
        self.p.stdin.close()
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
        return self.p.returncode


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))]


def bench_relays(node_cmd, n, timeout_ms):
    node = Node(node_cmd + ["--log-level", "error", "--rpc-timeout-ms", str(timeout_ms)])
    node.send(INIT.encode())
    node.read_until(1, 10)
    list(node.timed_lines())
    base = proc_kb(node.p.pid, "VmRSS")
    reqs = "".join('{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":%d,"target":"n2",'
                   '"payload":{"type":"read","key":%d}}}\n' % (i + 2, i) for i in range(n))
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                peak[0] = max(peak[0], proc_kb(node.p.pid, "VmHWM"))
            except OSError:
                return
            time.sleep(0.02)

    threading.Thread(target=sample, daemon=True).start()
    node.send(reqs.encode())
    node.read_until(1 + 4 * n, 120)  # 3 attempts and 1 error per relay
    peak[0] = max(peak[0], proc_kb(node.p.pid, "VmHWM"))
    done.set()
    attempts = {}
    errors = {}
    key_re = re.compile(rb'"key": (\d+), "msg_id": (\d+)')
    for t, line in node.timed_lines():
        if b'"dest": "n2"' in line:
            key = int(key_re.search(line).group(1))
            attempts.setdefault(key, []).append(t)
        elif b'"type": "error"' in line:
            body = json.loads(line)["body"]
            key = body["in_reply_to"] - 2
            errors[key] = errors.get(key, 0) + 1
            assert body["text"] == "RPC failed after 3 attempts", body
    status = node.stop()
    bad = [k for k in range(n) if len(attempts.get(k, [])) != 3 or errors.get(k) != 1]
    late = []
    for ts in attempts.values():
        for a, b in zip(ts, ts[1:]):
            late.append((b - a) * 1000 - timeout_ms)
    return {
        "relays": n, "all_ended_with_3_attempts_and_error": not bad, "bad": len(bad),
        "exit": status, "late_ms_p50": round(pct(late, 50), 2), "late_ms_p99": round(pct(late, 99), 2),
        "late_ms_max": round(max(late), 2),
        "peak_rss_kb": peak[0], "base_rss_kb": base,
        "bytes_per_call_in_flight": round((peak[0] - base) * 1024 / n),
    }


def bench_fire_forget(node_cmd, n):
    node = Node(node_cmd + ["--log-level", "error", "--reap-threshold-ms", "3600000"])
    node.send(INIT.encode())
    node.read_until(1, 10)
    base = proc_kb(node.p.pid, "VmRSS")
    reqs = "".join('{"src":"c1","dest":"n1","body":{"type":"send_fire_forget","msg_id":%d,'
                   '"target":"n2","payload":{"type":"echo","echo":%d}}}\n' % (i + 2, i)
                   for i in range(n))
    t0 = time.monotonic()
    node.send(reqs.encode())
    node.read_until(1 + 2 * n, 300)
    elapsed = time.monotonic() - t0
    rss = proc_kb(node.p.pid, "VmRSS")
    hwm = proc_kb(node.p.pid, "VmHWM")
    last = b""
    for _, line in node.timed_lines():
        last = line or last
    node.p.terminate()
    node.p.wait(timeout=30)
    pending = json.loads(last)["body"]["pending"]
    return {
        "callbacks": n, "pending_at_end": pending, "rss_kb": rss, "peak_rss_kb": hwm,
        "base_rss_kb": base, "bytes_per_pending_callback": round((rss - base) * 1024 / n),
        "registered_per_s": round(n / elapsed),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--relays", type=int, default=100000)
    ap.add_argument("--callbacks", type=int, default=1000000)
    ap.add_argument("--rpc-timeout-ms", type=int, default=500)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("missing -- NODE ARGS...")
    r = bench_relays(cmd, a.relays, a.rpc_timeout_ms)
    print("relays:      %s" % json.dumps(r))
    f = bench_fire_forget(cmd, a.callbacks)
    print("fire-forget: %s" % json.dumps(f))
    ok = r["all_ended_with_3_attempts_and_error"] and f["pending_at_end"] == a.callbacks
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
