#!/usr/bin/env python3
"""Echo throughput and startup of a node through pipes (part of `make bench`).

    python3 scripts/echo_bench.py [--n 200000] [--label L] [--json FILE] -- NODE ARGS...
    python3 scripts/echo_bench.py --starts 50 [--label L] [--json FILE] -- NODE ARGS...

A burst run: start the node, send `init`, wait for `init_ok` (startup: exec to that line read;
VmRSS and threads then), then a writer thread pushes N echoes (scripts/bench_input.py) as fast as
the pipe takes them while this thread reads the replies: msgs/s = N / (last reply - first echo
written). Peak RSS (VmHWM) and threads are sampled every 20 ms. Then stdin is closed and the node
has 5 s to exit. Every reply is checked afterwards: one per request, each with the right dest,
type, in_reply_to and echo. --starts K instead runs K times init alone: startup is the median.
Everything is bounded by --timeout s per run; a stuck node is killed. Prints one line; --json
appends the result as one JSON line. Exit status 0 iff the run was correct.
"""
import argparse
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import threading
import time

import bench_input


def proc_status(pid, field):
    """A field of /proc/PID/status in kB (VmRSS, VmHWM), 0 once the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def threads(pid):
    try:
        return len(os.listdir("/proc/%d/task" % pid))
    except OSError:
        return 0


class Node:
    def __init__(self, cmd, deadline):
        self.deadline = deadline
        self.t0 = time.perf_counter()
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, bufsize=0, start_new_session=True)
        self.out = []
        self.lines = 0
        self.hwm = 0
        self.threads = 0

    def write(self, data):
        view = memoryview(data)
        try:
            while view:
                view = view[self.p.stdin.write(view[:1 << 20]):]  # A raw write may be partial.
        except OSError:
            pass  # The node died: the reader sees end of output, the check says what is missing.

    def read_until(self, lines, sample=False):
        """Reads stdout until `lines` lines in all; False on end of output or the deadline."""
        fd = self.p.stdout.fileno()
        next_sample = 0.0
        while self.lines < lines:
            now = time.perf_counter()
            if now >= self.deadline:
                return False
            if sample and now >= next_sample:
                self.sample()
                next_sample = now + 0.02
            if select.select([fd], [], [], min(0.02, self.deadline - now))[0]:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return False
                self.out.append(chunk)
                self.lines += chunk.count(b"\n")
        return True

    def sample(self):
        self.hwm = max(self.hwm, proc_status(self.p.pid, "VmHWM"))
        self.threads = max(self.threads, threads(self.p.pid))

    def finish(self, grace=5.0):
        """Closes stdin and waits `grace` s for the node to exit; kills it if not. Exit status."""
        self.sample()
        self.p.stdin.close()
        self.deadline = time.perf_counter() + grace
        self.read_until(float("inf"))  # Up to end of output, or the grace is over.
        try:
            return self.p.wait(max(0.0, self.deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
            return None


def check(data, n):
    """What is wrong with the replies to init and echoes 2..n+1 (at most a few lines)."""
    problems, answered = [], set()
    for raw in data.splitlines():
        try:
            m = json.loads(raw)
            body = m["body"]
            reply_to = body["in_reply_to"]
        except (ValueError, KeyError, TypeError):
            problems.append("unreadable reply %r" % raw[:100])
            continue
        if reply_to == 1:
            ok = body.get("type") == "init_ok" and m.get("dest") == "c0"
        else:
            client = "c%d" % ((reply_to - 2) % 9 + 1) if isinstance(reply_to, int) else None
            ok = (isinstance(reply_to, int) and 2 <= reply_to <= n + 1
                  and body.get("type") == "echo_ok" and m.get("dest") == client
                  and body.get("echo") == bench_input.echo_text(reply_to))
        ok = ok and m.get("src") == bench_input.NODE_ID and reply_to not in answered
        answered.add(reply_to)
        if not ok:
            problems.append("wrong reply %r" % raw[:100])
    if len(answered) != n + 1:
        problems.append("%d of %d requests answered" % (len(answered), n + 1))
    return problems[:5]


def burst(cmd, n, timeout):
    init, echoes = bench_input.INIT.encode(), bench_input.echo_lines(n).encode()
    node = Node(cmd, time.perf_counter() + timeout)
    result = {"ok": False}
    node.write(init)
    if node.read_until(1):
        result["startup_ms"] = (time.perf_counter() - node.t0) * 1000
        result["rss_after_init_kb"] = proc_status(node.p.pid, "VmRSS")
        node.sample()
        writer = threading.Thread(target=node.write, args=(echoes,), daemon=True)
        t1 = time.perf_counter()
        writer.start()
        if node.read_until(n + 1, sample=True):
            result["msgs_per_s"] = n / (time.perf_counter() - t1)
        writer.join(1)
    result["exit_status"] = node.finish()
    result["peak_rss_kb"], result["threads"] = node.hwm, node.threads
    result["problems"] = check(b"".join(node.out), n)
    result["ok"] = not result["problems"] and "msgs_per_s" in result
    return result


def starts(cmd, k, timeout):
    """K runs of init alone: the median startup and VmRSS after init."""
    times, rss = [], []
    for _ in range(k):
        node = Node(cmd, time.perf_counter() + timeout)
        node.write(bench_input.INIT.encode())
        if node.read_until(1):
            times.append((time.perf_counter() - node.t0) * 1000)
            rss.append(proc_status(node.p.pid, "VmRSS"))
        node.finish()
    return {"ok": len(times) == k, "starts": k, "startup_ms": statistics.median(times or [0]),
            "rss_after_init_kb": statistics.median(rss or [0])}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200000, help="echoes per burst run")
    ap.add_argument("--starts", type=int, default=0, help="measure startup over K runs instead")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    ap.add_argument("--label", default="node")
    ap.add_argument("--json", help="append the result to this file as one JSON line")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("missing -- NODE ARGS...")
    if a.starts:
        result = starts(cmd, a.starts, a.timeout)
    else:
        result = burst(cmd, a.n, a.timeout)
    result["label"] = a.label
    print("[%s] %s" % (a.label, json.dumps(result)), flush=True)
    if a.json:
        with open(a.json, "a") as f:
            f.write(json.dumps(result) + "\n")
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
