"""A tiny Maelstrom node library for the reference nodes: handlers, reply, rpc, timers.

Single-threaded: a select loop on stdin with a timer heap. Test equipment only; the point of the
reference nodes is to give each checker a node that passes and one that must fail.
"""

import heapq
import itertools
import json
import os
import select
import sys
import time


class Node:
    """Handlers by message type; `init` is answered here."""

    def __init__(self, fault=None):
        self.node_id = None
        self.node_ids = []
        self.fault = fault
        self.handlers = {}
        self.calls = {}  # msg_id -> callback
        self.timers = []
        self.seq = itertools.count()
        self.next_msg_id = 0
        self.sent_first = False
        self.on_init = None

    def on(self, kind, handler):
        """`handler(message)` for every message of body type `kind`."""
        self.handlers[kind] = handler

    def emit(self, dest, body):
        """Writes one envelope (with the envelope faults applied, if asked for)."""
        envelope = {"src": self.node_id, "dest": dest, "body": body}
        if body.get("type") != "init_ok" and not self.sent_first:
            self.sent_first = True
            if self.fault == "bad-src":
                envelope["src"] = "n99"
            elif self.fault == "bad-dest":
                envelope["dest"] = "x-nowhere"
            elif self.fault == "extra-key":
                envelope["extra"] = 1
        sys.stdout.write(json.dumps(envelope) + "\n")
        sys.stdout.flush()

    def send(self, dest, body):
        """A one-way message."""
        self.emit(dest, body)

    def reply(self, request, body):
        """Answers `request` with `body` (in_reply_to filled in)."""
        self.next_msg_id += 1
        body = dict(body, msg_id=self.next_msg_id, in_reply_to=request["body"].get("msg_id"))
        self.emit(request["src"], body)

    def rpc(self, dest, body, callback, timeout=1.0):
        """Sends a request; `callback(reply body)` on the reply or `callback(None)` on timeout."""
        self.next_msg_id += 1
        msg_id = self.next_msg_id
        self.calls[msg_id] = callback
        self.emit(dest, dict(body, msg_id=msg_id))

        def expire():
            cb = self.calls.pop(msg_id, None)
            if cb:
                cb(None)
        self.after(timeout, expire)

    def after(self, delay, fn):
        """Runs `fn()` after `delay` seconds."""
        heapq.heappush(self.timers, (time.monotonic() + delay, next(self.seq), fn))

    def every(self, interval, fn):
        """Runs `fn()` every `interval` seconds."""
        def tick():
            fn()
            self.after(interval, tick)
        self.after(interval, tick)

    def _dispatch(self, line):
        message = json.loads(line)
        body = message["body"]
        if "in_reply_to" in body:
            cb = self.calls.pop(body["in_reply_to"], None)
            if cb:
                cb(body)
            return
        kind = body.get("type")
        if kind in ("init", "topology"):
            # The self-tests read these back: the exact line Maelstrom's net delivered.
            sys.stderr.write(f"recv {line.decode()}\n")
            sys.stderr.flush()
        if kind == "init":
            self.node_id = body["node_id"]
            self.node_ids = body["node_ids"]
            self.reply(message, {"type": "init_ok"})
            if self.on_init:
                self.on_init()
            return
        handler = self.handlers.get(kind)
        if handler is None:
            self.reply(message, {"type": "error", "code": 10, "text": f"no {kind}"})
            return
        handler(message)

    def run(self):
        """Until end of input."""
        buf = b""
        fd = sys.stdin.fileno()
        while True:
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                _, _, fn = heapq.heappop(self.timers)
                fn()
            wait = max(0.0, self.timers[0][0] - now) if self.timers else None
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if line.strip():
                    self._dispatch(line)
