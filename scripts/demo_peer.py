#!/usr/bin/env python3
"""The demo: RPC done right. Runs one messenger node, n1, and plays everyone else by script.

This script writes the node's stdin and reads its stdout, as Maelstrom would, and plays the
clients c0 and c1 and the second node n2 (which has no process of its own: its replies are
written here, with the timing each scene needs). Scenes, in order:

  1. relay to n2 that succeeds on its second attempt: n2 holds attempt 1, answers attempt 2;
     then answers attempt 1 after the call ended, a late reply the node counts (late_replies);
  2. backoff_relay to n2: attempt 1 gets error 11 (temporarily unavailable), the node waits
     its backoff, and attempt 2 succeeds;
  3. send_fire_forget to n2, which never answers: the reaper expires the callback;
  4. stats, to show the counters; then end of input, and the node exits 0.

It prints the transcript (what went in, what came out on stdout and stderr, with seconds since
the start, and the exit status), checks that each scene happened, and saves the node's stderr
(OUT/n1.stderr.log) for scripts/spacetime.py. Exit status 1 when a scene did not happen.
Everything after `--` is passed to the node (make demo gives a fixed seed, --trace and short
timeouts).
"""

import argparse
import json
import os
import queue
import shlex
import subprocess
import sys
import threading
import time


class Demo:
    def __init__(self, command):
        self.start = time.monotonic()
        self.node = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, bufsize=0)
        self.input, self.output, self.errors = [], [], []
        self.unread = queue.Queue()  # stdout lines not yet looked at by expect()
        self.backlog = []  # lines looked at, and kept for a later expect()
        self.n2_msg_id = 0
        self.readers = [
            threading.Thread(target=self.read, args=(self.node.stdout, self.output, self.unread)),
            threading.Thread(target=self.read, args=(self.node.stderr, self.errors, None)),
        ]
        for reader in self.readers:
            reader.start()

    def now(self):
        return time.monotonic() - self.start

    def read(self, stream, lines, fresh):
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            lines.append((self.now(), line))
            if fresh is not None:
                fresh.put(line)
        if fresh is not None:
            fresh.put(None)

    def send(self, src, body):
        """Writes one message to n1's stdin, as `src`."""
        line = json.dumps({"src": src, "dest": "n1", "body": body})
        self.input.append((self.now(), line))
        self.node.stdin.write(line.encode() + b"\n")

    def answer_as_n2(self, request, body):
        """n2's reply to a message n1 sent it."""
        self.n2_msg_id += 1
        body = dict(body, in_reply_to=request["body"]["msg_id"], msg_id=self.n2_msg_id)
        self.send("n2", body)

    def expect(self, what, test, seconds=5.0):
        """The next stdout message that passes `test`; the others wait for a later expect()."""
        for i, message in enumerate(self.backlog):
            if test(message):
                return self.backlog.pop(i)
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self.unread.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                line = None
            if line is None:
                raise SystemExit("demo: no %s within %g s (or the node exited)" % (what, seconds))
            message = json.loads(line)
            if test(message):
                return message
            self.backlog.append(message)

    def wait_for_log(self, words, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(words in line for _, line in self.errors):
                return True
            time.sleep(0.02)
        return False

    def finish(self):
        self.node.stdin.close()
        try:
            status = self.node.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.node.kill()
            status = self.node.wait()
        for reader in self.readers:
            reader.join()
        return status


def reply_to(dest, msg_id, kind):
    return lambda m: m["dest"] == dest and m["body"].get("in_reply_to") == msg_id and (
        m["body"]["type"] in (kind, "error"))


def to_n2(m):
    return m["dest"] == "n2"


def play(demo, checks):
    demo.send("c0", {"type": "init", "msg_id": 1, "node_id": "n1", "node_ids": ["n1", "n2"]})
    demo.expect("init_ok", reply_to("c0", 1, "init_ok"))

    # 1. relay: n2 keeps quiet on attempt 1, answers attempt 2, then attempt 1 (late).
    demo.send("c1", {"type": "relay", "msg_id": 2, "target": "n2",
                     "payload": {"type": "echo", "echo": "second time lucky"}})
    first = demo.expect("relay attempt 1", to_n2)
    second = demo.expect("relay attempt 2 (after the attempt timeout)", to_n2)
    demo.answer_as_n2(second, {"type": "echo_ok", "echo": "second time lucky"})
    done = demo.expect("relay_ok", reply_to("c1", 2, "relay_ok"))
    checks.append(("relay succeeded on attempt 2", done["body"].get("attempts") == 2))
    time.sleep(0.05)
    demo.answer_as_n2(first, {"type": "echo_ok", "echo": "second time lucky"})

    # 2. backoff_relay: error 11 on attempt 1, the backoff wait, success on attempt 2.
    demo.send("c1", {"type": "backoff_relay", "msg_id": 3, "target": "n2",
                     "payload": {"type": "echo", "echo": "after a pause"}})
    first = demo.expect("backoff_relay attempt 1", to_n2)
    demo.answer_as_n2(first, {"type": "error", "code": 11, "text": "temporarily unavailable"})
    second = demo.expect("backoff_relay attempt 2 (after the backoff wait)", to_n2)
    demo.answer_as_n2(second, {"type": "echo_ok", "echo": "after a pause"})
    done = demo.expect("backoff_relay_ok", reply_to("c1", 3, "backoff_relay_ok"))
    checks.append(("backoff_relay waited (total_delay_ms %s) and succeeded on attempt 2"
                   % done["body"].get("total_delay_ms"),
                   done["body"].get("attempts") == 2 and done["body"].get("total_delay_ms", 0) > 0))

    # 3. send_fire_forget: n2 never answers, the reaper expires the callback.
    demo.send("c1", {"type": "send_fire_forget", "msg_id": 4, "target": "n2",
                     "payload": {"type": "echo", "echo": "nobody waits for this"}})
    demo.expect("the fire-and-forget message", to_n2)
    demo.expect("send_fire_forget_ok", reply_to("c1", 4, "send_fire_forget_ok"))
    reaped = demo.wait_for_log("reaper reaped", 5)
    checks.append(("the fire-and-forget callback was reaped", reaped))

    # 4. The counters.
    demo.send("c1", {"type": "stats", "msg_id": 5})
    stats = demo.expect("stats_ok", reply_to("c1", 5, "stats_ok"))["body"]
    counters = (stats.get("late_replies"), stats.get("reaped"), stats.get("retries"))
    checks.append(("stats: late_replies=%s reaped=%s retries=%s" % counters, counters == (1, 1, 2)))


def main():
    parser = argparse.ArgumentParser(
        prog="demo_peer.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release/messenger", help="the node to run")
    parser.add_argument("--out", default="demo-out",
                        help="folder for n1.stderr.log (default demo-out)")
    parser.add_argument("--wrapper", default="",
                        help='a command to run the node under, e.g. "strace -f -tt -o trace.out"')
    parser.add_argument("node_args", nargs="*", help="flags for the node, after --")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    demo = Demo(shlex.split(args.wrapper) + [args.bin] + args.node_args)
    checks = []
    try:
        play(demo, checks)
    finally:
        status = demo.finish()
        stderr_path = os.path.join(args.out, "n1.stderr.log")
        with open(stderr_path, "w", encoding="utf-8") as out:
            out.writelines(line + "\n" for _, line in demo.errors)
        print("== input (written by %s as c0, c1 and n2; seconds since the start)"
              % os.path.basename(sys.argv[0]))
        for when, line in demo.input:
            print("%6.3f %s" % (when, line))
        print("== stdout")
        for when, line in demo.output:
            print("%6.3f %s" % (when, line))
        print("== stderr (%s)" % stderr_path)
        for _, line in demo.errors:
            print(line)
        print("== exit status %d" % status)
    print("== what it shows")
    for text, ok in checks:
        print("%s %s" % ("ok  " if ok else "FAIL", text))
    return 0 if checks and all(ok for _, ok in checks) and status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
