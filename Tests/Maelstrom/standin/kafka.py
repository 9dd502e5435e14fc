"""The kafka workload's client and generator, after src/maelstrom/workload/kafka.clj and
jepsen/tests/kafka.clj (with :txn? false, :crash-clients? true, :sub-via #{:assign}).

Operations: `send` ([["send", k, v]] -> [["send", k, [offset, v]]]), `poll` ([["poll"]] ->
[["poll", {k: [[offset, msg], ...]}]]), `assign` (a new set of keys: the client takes its
committed offsets from `list_committed_offsets`, or 0), `crash` (the client is torn down and a
fresh one opened). After every poll that returned messages the client commits the highest
offsets it polled (`commit_offsets`). Keys are strings; 3 are active at a time and each takes
16 writes (Maelstrom's --max-writes-per-key) before the next key replaces it; each key's values
are 1, 2, 3, .... About 1 operation in 64 is an assign of the keys the replaced operation used,
and a third of those also assign the keys with sent but unpolled values. A random thread
crashes every 30/concurrency s on average (so each client about every 30 s). The final phase: each thread crashes, assigns every key seen in an
acknowledged operation from offset 0, and polls every 0-400 ms until it has polled up to the
highest offset any acknowledged operation saw on every key, for at most 10 s.
"""

from . import kafka_checker
from .rpc import is_int, list_of, pair_offset_message, string_map_of
from .workloads import Workload

KEY_COUNT = 3
MAX_WRITES_PER_KEY = 16
SUB_P = 1 / 64


class Kafka(Workload):
    """`kafka`: send, poll, commit_offsets, list_committed_offsets."""

    name = "kafka"
    idempotent = frozenset({"assign"})
    has_final = True
    crash_interval = 30.0

    def __init__(self, opts):
        super().__init__(opts)
        self.active = [str(k) for k in range(KEY_COUNT)]
        self.next_key = KEY_COUNT
        self.writes = {k: 0 for k in self.active}
        self.sent = {}       # key -> highest offset acknowledged by a send
        self.polled = {}     # key -> highest offset acknowledged by a poll
        self.max_offsets = {}  # key -> highest offset in any acknowledged operation

    def new_state(self):
        return {"offsets": {}}

    def next_op(self, rng):
        k = rng.choice(self.active)
        if rng.random() < 0.5:
            op = {"f": "poll", "value": [["poll"]]}
        else:
            self.writes[k] += 1
            op = {"f": "send", "value": [["send", k, self.writes[k]]]}
            if self.writes[k] >= MAX_WRITES_PER_KEY:
                i = self.active.index(k)
                self.active[i] = str(self.next_key)
                self.writes[self.active[i]] = 0
                self.next_key += 1
        if rng.random() < SUB_P:
            keys = [k]
            unseen = [key for key, off in self.sent.items() if self.polled.get(key, -1) < off]
            if unseen and rng.random() < 1 / 3:
                keys = list(dict.fromkeys(keys + sorted(unseen)))
            return {"f": "assign", "value": keys}
        return op

    def crash_op(self):
        """The operation the crash generator emits."""
        return {"f": "crash"}

    def observe(self, op):
        """Tracks acknowledged offsets (for the unseen-key assigns and the final polls)."""
        if op["type"] != "ok" or op["f"] not in ("poll", "send"):
            return
        for mop in op["value"]:
            if mop[0] == "send" and isinstance(mop[2], list) and mop[2][0] is not None:
                k, off = mop[1], mop[2][0]
                self.sent[k] = max(self.sent.get(k, -1), off)
                self.max_offsets[k] = max(self.max_offsets.get(k, -1), off)
            elif mop[0] == "poll":
                for k, pairs in mop[1].items():
                    for off, _ in pairs:
                        self.polled[k] = max(self.polled.get(k, -1), off)
                        self.max_offsets[k] = max(self.max_offsets.get(k, -1), off)
        for k in [k for k in self.sent if self.polled.get(k, -1) >= self.sent[k]]:
            del self.sent[k]

    def final_program(self, thread):
        """Crash, assign every key from 0, poll until caught up (at most 10 s)."""
        targets = dict(self.max_offsets)
        yield 0.0, {"f": "crash"}
        yield 0.0, {"f": "assign", "value": sorted(targets), "seek_to_beginning": True}
        while targets:
            completion = yield thread.rng.uniform(0, 0.4), {"f": "poll", "value": [["poll"]]}
            if completion["type"] == "ok":
                for k, pairs in completion["value"][0][1].items():
                    top = max((off for off, _ in pairs), default=-1)
                    if targets.get(k, 1 << 62) <= top:
                        del targets[k]

    final_time_limit = 10.0

    def invoke(self, ctx, op, done):
        f = op["f"]
        state = ctx.state
        if f == "crash":
            done("info", None, "crash")
        elif f == "assign":
            keys = op["value"]
            if op.get("seek_to_beginning"):
                state["offsets"] = {k: 0 for k in keys}
                done("ok", keys, None)
                return

            def listed(reply):
                committed = reply["offsets"]
                old = state["offsets"]
                state["offsets"] = {k: old[k] if k in old else committed.get(k, 0) for k in keys}
                done("ok", keys, None)
            self.call(ctx, op, {"type": "list_committed_offsets", "keys": keys},
                      "list_committed_offsets_ok", {"offsets": string_map_of(is_int)},
                      listed, done)
        elif f == "send":
            _, k, v = op["value"][0]
            self.call(ctx, op, {"type": "send", "key": k, "msg": v}, "send_ok",
                      {"offset": is_int},
                      lambda r: done("ok", [["send", k, [r["offset"], v]]], None), done)
        else:
            self._poll(ctx, op, done)

    def _poll(self, ctx, op, done):
        state = ctx.state

        def polled(reply):
            msgs = reply["msgs"]
            top = {}
            for k, pairs in msgs.items():
                top[k] = max((off for off, _ in pairs), default=-1)
                state["offsets"][k] = max(state["offsets"].get(k, 0), top[k] + 1)
            value = [["poll", msgs]]
            commit = {k: o for k, o in top.items() if pairs_nonempty(msgs[k])}
            if not commit:
                done("ok", value, None)
                return
            self.call(ctx, op, {"type": "commit_offsets", "offsets": commit},
                      "commit_offsets_ok", {}, lambda r: done("ok", value, None), done)
        self.call(ctx, op, {"type": "poll", "offsets": dict(state["offsets"])}, "poll_ok",
                  {"msgs": string_map_of(list_of(pair_offset_message))}, polled, done)

    def check(self, history, run):
        return kafka_checker.check(history)


def pairs_nonempty(pairs):
    """A key's poll result that has at least one message."""
    return len(pairs) > 0
