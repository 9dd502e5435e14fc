"""The clients of each workload: what they send, at what mix, and what their final reads are.

After src/maelstrom/workload/*.clj. An operation is a dict `{"f": ..., "value": ...}`; `invoke`
runs it over a client connection and calls `done(type, value, error)` with type `ok`, `fail`
(definitely did not happen) or `info` (indefinite). Maelstrom's `with-errors` makes an error
reply `fail` when its code is definite or the operation is idempotent, else `info`; a timeout is
`fail` for idempotent operations, else `info`. The g-set and counter clients of Maelstrom have no
`with-errors`: any error or timeout there is a crashed (`info`) operation.
"""

from . import checkers
from .rpc import any_value, is_int, list_of, rpc


class Workload:
    """What every workload shares; subclasses give the operations and the checker."""

    name = ""
    idempotent = frozenset()
    with_errors = True
    has_final = False
    reusable_client = False

    def __init__(self, opts):
        self.opts = opts

    def setup(self, run, done):
        """Anything sent before the clients start (broadcast's topology); then `done()`."""
        done()

    def new_state(self):
        """Per-client state, made again whenever the client is reopened."""
        return None

    def next_op(self, rng):
        """The next operation of the main phase."""
        raise NotImplementedError

    def final_ops(self, thread):
        """The operations each thread runs after healing and waiting (a list), if any."""
        return [{"f": "read", "final": True}] if self.has_final else []

    def error_type(self, f, error):
        """`fail` or `info` for an operation that got `error`, as Maelstrom's client decides."""
        if not self.with_errors:
            return "info"
        return "fail" if (error.definite or f in self.idempotent) else "info"

    def call(self, ctx, op, body, ok_type, fields, on_ok, done):
        """One RPC for `op`: `on_ok(reply)` on success, `done(error type)` on an error."""
        def reply(r):
            if isinstance(r, dict):
                on_ok(r)
            else:
                done(self.error_type(op["f"], r), op.get("value"), str(r))
        rpc(ctx.loop, ctx.conn, ctx.node, body, ok_type, fields, reply)

    def check(self, history, run):
        """The checker's result: a dict with at least `valid` (True, False or "unknown")."""
        raise NotImplementedError


class Echo(Workload):
    """`echo`: each thread sends "Please echo N" and expects the same payload back."""

    name = "echo"

    def next_op(self, rng):
        return {"f": "echo", "value": f"Please echo {rng.randrange(128)}"}

    def invoke(self, ctx, op, done):
        self.call(ctx, op, {"type": "echo", "echo": op["value"]}, "echo_ok",
                  {"echo": any_value}, lambda r: done("ok", r, None), done)

    def check(self, history, run):
        return checkers.echo(history)


class UniqueIds(Workload):
    """`unique-ids`: `generate` requests; every acknowledged id must be distinct."""

    name = "unique-ids"
    reusable_client = True

    def next_op(self, rng):
        return {"f": "generate"}

    def invoke(self, ctx, op, done):
        self.call(ctx, op, {"type": "generate"}, "generate_ok", {"id": any_value},
                  lambda r: done("ok", r["id"], None), done)

    def check(self, history, run):
        return checkers.unique_ids(history)


class _SetLike(Workload):
    """A mix of adds of 0, 1, 2, ... and reads, then one final read per thread (set-full)."""

    has_final = True
    add_f = "add"

    def __init__(self, opts):
        super().__init__(opts)
        self.counter = 0

    def next_op(self, rng):
        if rng.random() < 0.5:
            value = self.counter
            self.counter += 1
            return {"f": self.add_f, "value": value}
        return {"f": "read"}

    def check(self, history, run):
        return checkers.set_full(history, self.add_f)


class Broadcast(_SetLike):
    """`broadcast`: the topology first (one per node), then broadcasts and reads."""

    name = "broadcast"
    idempotent = frozenset({"read"})
    add_f = "broadcast"

    def setup(self, run, done):
        topology = topologies(run.node_ids, self.opts.get("topology", "grid"))
        run.send_to_every_node(lambda node: {"type": "topology", "topology": topology},
                               "topology_ok", {}, done)

    def invoke(self, ctx, op, done):
        if op["f"] == "broadcast":
            self.call(ctx, op, {"type": "broadcast", "message": op["value"]}, "broadcast_ok",
                      {}, lambda r: done("ok", op["value"], None), done)
        else:
            self.call(ctx, op, {"type": "read"}, "read_ok", {"messages": list_of(any_value)},
                      lambda r: done("ok", r["messages"], None), done)


class GSet(_SetLike):
    """`g-set`: adds of elements and reads of the whole set."""

    name = "g-set"
    with_errors = False

    def invoke(self, ctx, op, done):
        if op["f"] == "add":
            self.call(ctx, op, {"type": "add", "element": op["value"]}, "add_ok", {},
                      lambda r: done("ok", op["value"], None), done)
        else:
            self.call(ctx, op, {"type": "read"}, "read_ok", {"value": list_of(any_value)},
                      lambda r: done("ok", r["value"], None), done)


class PNCounter(Workload):
    """`pn-counter`: adds of -5..4 and reads; the final reads must fit the adds."""

    name = "pn-counter"
    with_errors = False
    has_final = True
    negative = True

    def next_op(self, rng):
        while True:
            if rng.random() < 0.5:
                return {"f": "read"}
            delta = rng.randrange(10) - 5
            if self.negative or delta >= 0:
                return {"f": "add", "value": delta}

    def invoke(self, ctx, op, done):
        if op["f"] == "add":
            self.call(ctx, op, {"type": "add", "delta": op["value"]}, "add_ok", {},
                      lambda r: done("ok", op["value"], None), done)
        else:
            self.call(ctx, op, {"type": "read"}, "read_ok", {"value": is_int},
                      lambda r: done("ok", r["value"], None), done)

    def check(self, history, run):
        return checkers.counter(history)


class GCounter(PNCounter):
    """`g-counter`: as pn-counter, with the negative adds filtered out of the mix."""

    name = "g-counter"
    negative = False


def grid_topology(nodes):
    """Maelstrom's grid: a square of side ceil(sqrt(n)), up to 4 neighbours each."""
    n = len(nodes)
    side = 1
    while side * side < n:
        side += 1

    def at(i, j):
        if i < 0 or not 0 <= j < side:
            return None
        idx = i * side + j
        return nodes[idx] if idx < n else None

    topo = {}
    for i in range(side):
        for j in range(side):
            me = at(i, j)
            if me is not None:
                near = [at(i + 1, j), at(i - 1, j), at(i, j + 1), at(i, j - 1)]
                topo[me] = [x for x in near if x is not None]
    return topo


def tree_topology(nodes, branching):
    """Maelstrom's tree: nodes in breadth-first order, `branching` children each."""
    topo = {}
    for i, node in enumerate(nodes):
        near = [] if i == 0 else [nodes[(i - 1) // branching]]
        near += [nodes[c] for c in range(branching * i + 1, branching * i + branching + 1)
                 if c < len(nodes)]
        topo[node] = near
    return topo


def topologies(nodes, kind):
    """Maelstrom's topologies by name: grid, line, total, tree (= tree2), tree2..tree4."""
    nodes = list(nodes)
    if kind == "grid":
        return grid_topology(nodes)
    if kind == "line":
        return {n: [nodes[j] for j in (i - 1, i + 1) if 0 <= j < len(nodes)]
                for i, n in enumerate(nodes)}
    if kind == "total":
        return {n: [m for m in nodes if m != n] for n in nodes}
    if kind in ("tree", "tree2", "tree3", "tree4"):
        return tree_topology(nodes, 2 if kind == "tree" else int(kind[-1]))
    raise ValueError(f"unknown topology {kind!r}")


def make(name, opts):
    """The workload called `name`."""
    from .kafka import Kafka
    table = {w.name: w for w in (Echo, UniqueIds, Broadcast, GSet, GCounter, PNCounter, Kafka)}
    if name not in table:
        raise ValueError(f"unknown workload {name!r}; one of {sorted(table)}")
    return table[name](opts)


NAMES = ("echo", "unique-ids", "broadcast", "g-set", "g-counter", "pn-counter", "kafka")
