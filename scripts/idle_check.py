#!/usr/bin/env python3
"""Counts the system calls an idle node makes: start it under `strace -f` with a pipe on stdin,
send `init`, wait for the reply, then count the calls it makes in a few seconds of quiet.

    python3 scripts/idle_check.py [--seconds 2] -- NODE ARGS...

Prints one line (`idle syscalls: 0 in 2.0 s`, then the calls seen, if any) and exits 0; a node
that makes calls while idle is reported, not failed: the table is for a human to read.
"""
import argparse
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

INIT = b'{"src": "c0", "dest": "n1", "body": {"type": "init", "msg_id": 1, "node_id": "n1", "node_ids": ["n1"]}}\n'


def complete_lines(path):
    """The lines strace has finished writing (a call still blocked has no newline yet)."""
    with open(path) as f:
        text = f.read()
    return text.split("\n")[:-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no node command")
    if not shutil.which("strace"):
        print("idle syscalls: skipped (strace is not installed: apt-get install -y strace)")
        return 0
    trace = tempfile.NamedTemporaryFile("r", suffix=".strace")
    # Traced from the start: attaching later would interrupt the wait and count its restart.
    node = subprocess.Popen(["strace", "-f", "-qq", "-tt", "-o", trace.name, *cmd],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        node.stdin.write(INIT)
        node.stdin.flush()
        ready, _, _ = select.select([node.stdout], [], [], 5.0)
        reply = node.stdout.readline().decode(errors="replace").strip() if ready else ""
        if "init_ok" not in reply:
            print(f"  (no init_ok within 5 s, got {reply[:60]!r}; watching anyway)")
        time.sleep(0.3)  # Let startup work settle before watching.
        before = complete_lines(trace.name)
        if not before:
            print("idle syscalls: skipped (strace traced nothing: is ptrace allowed here?)")
            return 0
        time.sleep(args.seconds)
        after = complete_lines(trace.name)
        pids = {line.split()[0] for line in after}
        calls = [line for line in after[len(before):] if "resumed>" not in line]
        print(f"idle syscalls: {len(calls)} in {args.seconds:.1f} s (expected 0); "
              f"threads and processes seen: {len(pids)}")
        for line in calls[:10]:
            print("  " + line)
    finally:
        node.stdin.close()
        try:
            node.wait(timeout=5)
        except subprocess.TimeoutExpired:
            node.kill()
            node.wait()
        trace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
