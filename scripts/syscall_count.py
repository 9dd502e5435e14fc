#!/usr/bin/env python3
"""System calls per message of a node under `strace -f` (part of `make bench`): exact counts,
where times on a busy machine are not.

    python3 scripts/syscall_count.py [--n 200] -- NODE ARGS...

Three phases, each on a node started under strace, after `init` and a moment of quiet:
  relay   N relays to n2 answered one at a time: relay in, wait for the attempt, answer it,
          wait for relay_ok. Each call arms an attempt timeout that its answer kills.
  burst   N echoes one at a time (each a read of its own) while an attempt timeout is armed
          (one relay to n2 left unanswered, 60 s timeout): the earliest deadline never changes.
  echo    N echoes one at a time, nothing armed.
Prints, per message, all calls and those by name (read, write, epoll_wait, timerfd_settime,
...). A call blocked at the start of a phase is counted when it returns in the phase; the one
blocked at its end is not, so a phase counts exactly one wait per pass of the loop.
"""
import argparse
import collections
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

INIT = ('{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1",'
        '"node_ids":["n1","n2"]}}\n')


class Traced:
    """The node under `strace -f -o FILE`, fed and read one line at a time."""

    def __init__(self, cmd):
        self.trace = tempfile.NamedTemporaryFile("r", suffix=".strace")
        self.p = subprocess.Popen(["strace", "-f", "-qq", "-o", self.trace.name, *cmd],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, bufsize=0)
        self.pending = b""
        self.next_id = 0  # The node numbers what it sends from 0.

    def send(self, line):
        self.p.stdin.write(line.encode())

    def line(self, timeout=10.0):
        end = time.monotonic() + timeout
        while b"\n" not in self.pending:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                raise TimeoutError("no line from the node within %.0f s" % timeout)
            data = os.read(self.p.stdout.fileno(), 1 << 16)
            if not data:
                raise EOFError("the node closed stdout")
            self.pending += data
        line, self.pending = self.pending.split(b"\n", 1)
        self.next_id += 1
        return json.loads(line)

    def calls(self):
        """The system calls strace has finished writing (a blocked call has no newline yet)."""
        with open(self.trace.name) as f:
            return [c for c in f.read().split("\n")[:-1] if "resumed>" not in c]

    def quiet(self):
        """Waits until the trace stops growing, then returns its finished calls."""
        last = -1
        while True:
            time.sleep(0.2)
            calls = self.calls()
            if len(calls) == last:
                return calls
            last = len(calls)

    def stop(self):
        self.p.terminate()  # SIGTERM: the node stops at once, a call still pending or not.
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.trace.close()


def relay(k):
    return ('{"src":"c1","dest":"n1","body":{"type":"relay","msg_id":%d,"target":"n2",'
            '"payload":{"type":"echo","echo":"relay %d"}}}\n' % (k + 2, k))


def echo(k):
    return '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":%d,"echo":"e%d"}}\n' % (k, k)


def phase(cmd, n, kind):
    node = Traced(cmd)
    try:
        node.send(INIT)
        assert node.line()["body"]["type"] == "init_ok"
        if kind == "burst":
            node.send(relay(10**6))  # Never answered: its attempt timeout stays the earliest.
            assert node.line()["dest"] == "n2"
        before = node.quiet()
        for k in range(n):
            if kind == "relay":
                node.send(relay(k))
                attempt = node.line()
                body = attempt["body"]
                node.send(json.dumps({"src": "n2", "dest": "n1", "body": {
                    "type": "echo_ok", "echo": body["echo"], "in_reply_to": body["msg_id"]}}) + "\n")
                done = node.line()["body"]
                assert done["type"] == "relay_ok" and done["attempts"] == 1, done
            else:
                node.send(echo(10 + k))
                assert node.line()["body"]["type"] == "echo_ok"
        after = node.quiet()
    finally:
        node.stop()
    names = collections.Counter(c.split("(", 1)[0].split()[-1] for c in after[len(before):])
    return {"n": n, "per_message": round(sum(names.values()) / n, 2),
            "by_name": {k: round(v / n, 2) for k, v in sorted(names.items())}}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("missing -- NODE ARGS...")
    if not shutil.which("strace"):
        print("syscalls: skipped (strace is not installed: apt-get install -y strace)")
        return 0
    cmd = cmd + ["--log-level", "error", "--rpc-timeout-ms", "60000"]
    for kind, what in [("relay", "relay answered one at a time"),
                       ("burst", "echo one at a time, a timeout armed"),
                       ("echo", "echo one at a time, nothing armed")]:
        r = phase(cmd, a.n, kind)
        print("syscalls per %-36s %5.2f  %s" % (what + ":", r["per_message"],
                                                 json.dumps(r["by_name"])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
