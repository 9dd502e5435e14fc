#!/usr/bin/env python3
"""Soak: a long stream of mixed requests through one node and a scripted peer.

The node is n1 of the cluster [n1, n2]; this script plays the clients (c1..c4) and n2, which
answers what n1 sends it (relay and proxy attempts, fire-and-forget payloads) but drops a share
of them (--loss). Messages n1 sends to itself (batch_echo) go back to its stdin. Every request
carries a msg_id and must be answered exactly once; at most --window requests are outstanding.

While it runs, the node's VmRSS is sampled every 0.5 s; at the end the first quarter of the
samples is compared with the last (their maxima must be within --rss-slack-kib). Then stdin is
closed: the node must drain its pending calls and exit 0.

    scripts/soak.py [-n 2000000] [--bin .build/release/messenger] [--wrapper 'valgrind ...']
"""

import argparse
import json
import os
import random
import selectors
import shlex
import subprocess
import sys
import time

NODE_ARGS = [
    "--seed", "7", "--rpc-timeout-ms", "50", "--proxy-timeout-ms", "50", "--backoff-base-ms", "5",
    "--backoff-max-ms", "40", "--reap-threshold-ms", "200", "--reap-interval-ms", "100",
]

# One cycle of request kinds: the mix, by weight (a kind listed twice is sent twice as often).
MIX = (
    ["echo"] * 5 + ["relay"] * 4 + ["bench_echo"] * 2 + ["dedup_echo"] * 2
    + ["send_fire_forget", "pending_count", "compute_backoff", "stats", "validate", "get_log",
       "batch_echo", "proxy", "backoff_relay", "dedup_stats", "bench_stats", "chaos_stats"]
)


def body_for(kind, i):
    """The body of request number i of `kind` (without msg_id)."""
    if kind in ("echo", "bench_echo", "dedup_echo"):
        return {"type": kind, "echo": i}
    if kind in ("relay", "backoff_relay", "send_fire_forget"):
        return {"type": kind, "target": "n2", "payload": {"type": "echo", "echo": i}}
    if kind == "proxy":
        return {"type": kind, "target": "n2", "inner": {"type": "echo", "echo": i}}
    if kind == "compute_backoff":
        return {"type": kind, "max_retries": 5, "base_delay": 0.01}
    if kind == "validate":
        return {"type": kind, "payload": '{"src":"a","dest":"b","body":{"type":"x"}}'}
    if kind == "get_log":
        return {"type": kind, "count": 5}
    if kind == "batch_echo":
        return {"type": kind, "values": [i, "x", None]}
    return {"type": kind}


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-n", "--requests", type=int, default=int(os.environ.get("N", 2_000_000)))
    ap.add_argument("--bin", default=".build/release/messenger")
    ap.add_argument("--wrapper", default="", help="a command to run the node under (valgrind)")
    ap.add_argument("--loss", type=float, default=0.1, help="share of n1's messages n2 drops")
    ap.add_argument("--window", type=int, default=1000, help="most requests outstanding")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rss-slack-kib", type=int, default=1024)
    ap.add_argument("--no-rss", action="store_true", help="skip the memory check (valgrind)")
    ap.add_argument("--stderr", default=None, help="file for the node's stderr")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    err_path = args.stderr or f"/tmp/messenger-soak-{os.getpid()}.err"
    err = open(err_path, "wb")
    cmd = shlex.split(args.wrapper) + [args.bin] + NODE_ARGS
    node = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
    os.set_blocking(node.stdin.fileno(), False)
    os.set_blocking(node.stdout.fileno(), False)
    sel = selectors.DefaultSelector()
    sel.register(node.stdout, selectors.EVENT_READ)

    outbox = bytearray(b'{"src":"c0","dest":"n1","body":{"type":"init","msg_id":0,'
                       b'"node_id":"n1","node_ids":["n1","n2"]}}\n')
    outstanding = {("c0", 0): 1}  # (client, msg_id) -> replies still due
    answered = 0
    problems = []
    types = {}
    sent = 0
    peer_id = 0
    peer_seen = peer_dropped = 0
    dup_every = 97  # Every 97th dedup_echo is sent again with the same msg_id.
    next_id = 1
    samples = []
    last_sample = 0.0
    inbuf = b""
    start = time.monotonic()
    stdin_open = True

    def emit(obj):
        outbox.extend(json.dumps(obj).encode() + b"\n")

    while True:
        now = time.monotonic()
        if not args.no_rss and now - last_sample >= 0.5:
            last_sample = now
            kib = rss_kib(node.pid)
            if kib is not None:
                samples.append((now - start, kib))
        # New requests while the window has room.
        while sent < args.requests and len(outstanding) < args.window and len(outbox) < 1 << 20:
            kind = MIX[sent % len(MIX)]
            client = f"c{1 + sent % 4}"
            msg_id = next_id
            next_id += 1
            body = body_for(kind, sent)
            body["msg_id"] = msg_id
            emit({"src": client, "dest": "n1", "body": body})
            outstanding[(client, msg_id)] = outstanding.get((client, msg_id), 0) + 1
            sent += 1
            if kind == "dedup_echo" and sent % dup_every == 0 and sent < args.requests:
                emit({"src": client, "dest": "n1", "body": body})
                outstanding[(client, msg_id)] += 1
                sent += 1
        if stdin_open and sent >= args.requests and not outstanding and not outbox:
            node.stdin.close()
            stdin_open = False
        if stdin_open and outbox:
            try:
                n = os.write(node.stdin.fileno(), outbox)
                del outbox[:n]
            except BlockingIOError:
                pass
        events = sel.select(timeout=0.05 if not outbox else 0.001)
        if not events:
            if not stdin_open and node.poll() is not None:
                break
            if time.monotonic() - start > 3600:
                problems.append("gave up after an hour")
                break
            continue
        try:
            chunk = os.read(node.stdout.fileno(), 1 << 20)
        except BlockingIOError:
            continue
        if not chunk:
            break
        inbuf += chunk
        lines = inbuf.split(b"\n")
        inbuf = lines.pop()
        for line in lines:
            msg = json.loads(line)
            dest, body = msg["dest"], msg["body"]
            if dest == "n1":  # batch_echo's echoes to itself, and their replies.
                outbox.extend(line + b"\n")
            elif dest == "n2":
                if "in_reply_to" in body:
                    continue
                peer_seen += 1
                if rng.random() < args.loss:
                    peer_dropped += 1
                    continue
                reply = {"type": "echo_ok", "echo": body.get("echo"), "in_reply_to": body["msg_id"],
                         "msg_id": peer_id}
                peer_id += 1
                emit({"src": "n2", "dest": "n1", "body": reply})
            else:
                key = (dest, body.get("in_reply_to"))
                due = outstanding.get(key)
                if not due:
                    problems.append(f"unexpected reply: {line[:200]!r}")
                    continue
                if due == 1:
                    del outstanding[key]
                else:
                    outstanding[key] = due - 1
                answered += 1
                types[body["type"]] = types.get(body["type"], 0) + 1
    status = node.wait(timeout=60)
    elapsed = time.monotonic() - start
    err.close()
    if outstanding:
        problems.append(f"{len(outstanding)} requests never answered, e.g. {list(outstanding)[:5]}")
    if status != 0:
        problems.append(f"node exit status {status}")

    print(f"soak: {sent} requests (+1 init), {answered} replies in {elapsed:.1f} s "
          f"({sent / elapsed:,.0f} requests/s); peer saw {peer_seen} messages from n1, "
          f"dropped {peer_dropped}")
    print("soak: replies by type: " + ", ".join(f"{k} {v}" for k, v in sorted(types.items())))
    rss_checked = False
    if not args.no_rss and len(samples) >= 8:
        rss_checked = True
        q = len(samples) // 4
        first = max(kib for _, kib in samples[:q])
        last = max(kib for _, kib in samples[-q:])
        peak = max(kib for _, kib in samples)
        print(f"soak: VmRSS over {len(samples)} samples: first quarter max {first} KiB, "
              f"last quarter max {last} KiB (difference {last - first:+d} KiB), peak {peak} KiB")
        if abs(last - first) > args.rss_slack_kib:
            problems.append(f"VmRSS moved {last - first:+d} KiB between the first and last quarter")
    elif not args.no_rss:
        print(f"soak: only {len(samples)} VmRSS samples (8 needed, one per 0.5 s): too short a "
              "run to compare quarters; memory NOT checked")
    with open(err_path, "rb") as f:
        tail = f.read().decode(errors="replace").splitlines()
    summary = [l for l in tail if " exit reason=" in l]
    if summary:
        print("soak: node " + summary[-1].split(" INFO ", 1)[-1])
    if args.stderr is None:
        os.unlink(err_path)
    for p in problems[:20]:
        print("soak: FAIL " + p)
    if problems:
        sys.exit(1)
    if rss_checked:
        print("soak: ok: every request answered exactly once, exit status 0, VmRSS steady")
    else:
        # Not "ok": a run that skipped the memory check must not read like one that passed it.
        why = "--no-rss" if args.no_rss else "too short a run; make soak's default N takes a minute"
        print("soak: passed WITHOUT a memory check: every request answered exactly once, exit "
              f"status 0; memory NOT checked ({why})")


if __name__ == "__main__":
    main()
