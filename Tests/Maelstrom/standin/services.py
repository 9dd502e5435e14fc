"""Maelstrom's services, after src/maelstrom/service.clj and doc/services.md.

- `lin-kv`: one map, every operation applied to the latest state: linearizable.
- `seq-kv`: Maelstrom's Sequential wrapper. It keeps the last 32 states. An operation that does
  not change the state (a read, a cas that fails, a write of the value already there) runs on a
  random state between the one this client (the requesting node, by `src`) last saw and the
  latest, so reads may be stale and a cas may fail against an old value; an operation that
  changes the state runs on the latest and moves this client to it. Each client's view only
  moves forward: sequentially consistent, not linearizable.
- `lww-kv`: Maelstrom's Eventual wrapper over a last-write-wins map: 2 replicas, each with a
  Lamport clock; every request first merges one random replica into another (higher timestamp
  wins), then runs on a random replica. Reads may be stale and writes may be lost. As in
  Maelstrom's code, its cas has no create_if_not_exists (a missing key is error 20). Maelstrom's
  current code discards the merge it computes (it rebuilds the replica vector from the
  pre-merge one), so its replicas never converge; the stand-in applies the merge, as the
  document describes.
- `lin-tso`: `ts` answers 0, 1, 2, ... : linearizable and strictly increasing.

Errors as Maelstrom's: 20 key-does-not-exist (read or cas of a missing key), 22
precondition-failed (cas whose `from` differs). A request of an unknown type gets no reply
(Maelstrom's service thread logs the exception and answers nothing).
"""

from .jsonval import canon, same


def _missing():
    return {"type": "error", "code": 20, "text": "key does not exist"}


def kv_apply(state, body):
    """Maelstrom's PersistentKV: (new state, reply) for one request; `state` is not changed.

    `state` maps canonical key text to the value.
    """
    kind = body.get("type")
    key = canon(body.get("key"))
    if kind == "read":
        if key in state:
            return state, {"type": "read_ok", "value": state[key]}
        return state, _missing()
    if kind == "write":
        new = dict(state)
        new[key] = body.get("value")
        return new, {"type": "write_ok"}
    if kind == "cas":
        if key in state:
            if same(body.get("from"), state[key]):
                new = dict(state)
                new[key] = body.get("to")
                return new, {"type": "cas_ok"}
            return state, {"type": "error", "code": 22,
                           "text": f"current value {canon(state[key])} is not "
                                   f"{canon(body.get('from'))}"}
        if body.get("create_if_not_exists"):
            new = dict(state)
            new[key] = body.get("to")
            return new, {"type": "cas_ok"}
        return state, _missing()
    return state, None


def _same_state(a, b):
    return a is b or (a.keys() == b.keys() and all(same(a[k], b[k]) for k in a))


class LinKV:
    """`lin-kv`: one state, every request applied to it in arrival order."""

    def __init__(self):
        self.state = {}

    def handle(self, message):
        """The reply body for one request."""
        self.state, reply = kv_apply(self.state, message["body"])
        return reply


class SeqKV:
    """`seq-kv`: Maelstrom's Sequential wrapper over the map (32 past states)."""

    def __init__(self, rng, buffer_size=32):
        self.rng = rng
        self.buffer_size = buffer_size
        self.states = [{}]       # oldest first; the last is the latest
        self.last_index = 0      # index of states[-1] in the unbounded history
        self.client_index = {}   # src -> the history index it last interacted with

    def handle(self, message):
        """The reply body for one request."""
        src = message["src"]
        first = self.last_index - len(self.states) + 1
        low = max(self.client_index.get(src, 0), first)
        index = self.rng.randint(low, self.last_index)
        state = self.states[index - first]
        new, reply = kv_apply(state, message["body"])
        if reply is None:
            return None
        if _same_state(new, state):
            self.client_index[src] = index
            return reply
        # It changes the state: run it on the latest one, so the total order holds.
        new, reply = kv_apply(self.states[-1], message["body"])
        self.states.append(new)
        if len(self.states) > self.buffer_size:
            del self.states[0]
        self.last_index += 1
        self.client_index[src] = self.last_index
        return reply


class LwwKV:
    """`lww-kv`: Maelstrom's Eventual wrapper over last-write-wins replicas."""

    def __init__(self, rng, replicas=2):
        self.rng = rng
        # Each replica: [lamport clock, {canonical key: (timestamp, value)}].
        self.replicas = [[0, {}] for _ in range(replicas)]

    def _merge(self, source, dest):
        clock = max(source[0], dest[0])
        merged = dict(dest[1])
        for key, (ts, value) in source[1].items():
            if key not in merged or merged[key][0] < ts:
                merged[key] = (ts, value)
        return [clock, merged]

    def handle(self, message):
        """The reply body for one request."""
        n = len(self.replicas)
        src, dst = self.rng.randrange(n), self.rng.randrange(n)
        self.replicas[dst] = self._merge(self.replicas[src], self.replicas[dst])
        replica = self.replicas[self.rng.randrange(n)]
        clock, data = replica
        body = message["body"]
        kind = body.get("type")
        key = canon(body.get("key"))
        if kind == "read":
            if key in data:
                return {"type": "read_ok", "value": data[key][1]}
            return _missing()
        if kind == "write":
            data[key] = (clock, body.get("value"))
            replica[0] = clock + 1
            return {"type": "write_ok"}
        if kind == "cas":
            if key not in data:
                return _missing()
            if not same(body.get("from"), data[key][1]):
                return {"type": "error", "code": 22,
                        "text": f"current value {canon(data[key][1])} is not "
                                f"{canon(body.get('from'))}"}
            data[key] = (clock, body.get("to"))
            replica[0] = clock + 1
            return {"type": "cas_ok"}
        return None


class LinTSO:
    """`lin-tso`: timestamps 0, 1, 2, ..., one per `ts` request."""

    def __init__(self):
        self.next = 0

    def handle(self, message):
        """The reply body for one request."""
        if message["body"].get("type") != "ts":
            return None
        ts = self.next
        self.next += 1
        return {"type": "ts_ok", "ts": ts}


def default_services(rng):
    """The four services every Maelstrom test starts, by id."""
    return {"lin-kv": LinKV(), "seq-kv": SeqKV(rng), "lww-kv": LwwKV(rng), "lin-tso": LinTSO()}
