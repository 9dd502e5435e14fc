#!/usr/bin/env python3
"""Reference nodes for the stand-in's checker self-tests: a correct node per workload, and
faults that a checker (or the network's validation) must catch.

  refnode.py --workload NAME [--fault FAULT]

Faults: any workload: bad-src, bad-dest, extra-key (the first message after init_ok has a bad
envelope); echo: wrong-echo (every 5th echo altered), extra-field (a key that echo_ok's schema
lacks); unique-ids: collide (ids without the node id); broadcast, g-set: drop-value (values
ending in 3 acknowledged, never stored); g-counter, pn-counter: drop-add (adds of 3
acknowledged, not counted); kafka: forget (every 4th send acknowledged with an offset, its
message never stored).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from node import Node  # noqa: E402


def echo(node):
    count = [0]

    def handle(m):
        count[0] += 1
        payload = m["body"]["echo"]
        if node.fault == "wrong-echo" and count[0] % 5 == 0:
            payload = f"{payload}!"
        body = {"type": "echo_ok", "echo": payload}
        if node.fault == "extra-field":
            body["note"] = "not in Maelstrom's echo_ok schema"
        node.reply(m, body)
    node.on("echo", handle)


def unique_ids(node):
    count = [0]

    def handle(m):
        count[0] += 1
        uid = count[0] if node.fault == "collide" else f"{node.node_id}-{count[0]}"
        node.reply(m, {"type": "generate_ok", "id": uid})
    node.on("generate", handle)


def gossip_set(node, add_type, add_field, read_field, use_topology):
    """broadcast and g-set: a set gossiped to neighbours until each acknowledges each value."""
    values = set()
    neighbours = []
    acked = {}  # neighbour -> values it has acknowledged

    def add(v):
        values.add(v)

    def on_add(m):
        v = m["body"][add_field]
        if not (node.fault == "drop-value" and isinstance(v, int) and v % 10 == 3):
            add(v)
        node.reply(m, {"type": f"{add_type}_ok"})

    def on_read(m):
        node.reply(m, {"type": "read_ok", read_field: sorted(values, key=repr)})

    def on_topology(m):
        if use_topology:
            neighbours[:] = m["body"]["topology"].get(node.node_id, [])
        node.reply(m, {"type": "topology_ok"})

    def on_gossip(m):
        for v in m["body"]["values"]:
            add(v)
        node.reply(m, {"type": "gossip_ok", "values": m["body"]["values"]})

    def gossip():
        peers = neighbours if use_topology else [n for n in node.node_ids if n != node.node_id]
        for peer in peers:
            missing = [v for v in values if v not in acked.setdefault(peer, set())]
            if not missing:
                continue

            def done(reply, peer=peer):
                if reply is not None:
                    acked[peer].update(reply["values"])
            node.rpc(peer, {"type": "gossip", "values": missing[:500]}, done, timeout=0.5)

    node.on(add_type, on_add)
    node.on("read", on_read)
    node.on("topology", on_topology)
    node.on("gossip", on_gossip)
    node.every(0.1, gossip)


def g_counter(node):
    """A counter on seq-kv: cas with retries; a read first writes a fresh value, so that the
    seq-kv view it reads from is at least as new as that write."""
    sync = [0]

    def read_counter(callback):
        def got(reply):
            if reply is None:
                node.after(0.05, lambda: read_counter(callback))
            elif reply["type"] == "read_ok":
                callback(reply["value"])
            else:
                callback(0)
        node.rpc("seq-kv", {"type": "read", "key": "counter"}, got)

    def add(delta, done):
        def with_value(v):
            def cas(reply):
                if reply is not None and reply["type"] == "cas_ok":
                    done()
                else:
                    node.after(0.01, lambda: add(delta, done))
            node.rpc("seq-kv", {"type": "cas", "key": "counter", "from": v, "to": v + delta,
                                "create_if_not_exists": True}, cas)
        read_counter(with_value)

    def on_add(m):
        delta = m["body"]["delta"]
        if node.fault == "drop-add" and delta == 3:
            node.reply(m, {"type": "add_ok"})
            return
        add(delta, lambda: node.reply(m, {"type": "add_ok"}))

    def on_read(m):
        sync[0] += 1

        def synced(reply):
            if reply is None:
                on_read(m)
                return
            read_counter(lambda v: node.reply(m, {"type": "read_ok", "value": v}))
        node.rpc("seq-kv", {"type": "write", "key": f"sync-{node.node_id}", "value": sync[0]},
                 synced)

    node.on("add", on_add)
    node.on("read", on_read)


def pn_counter(node):
    """A PN-counter CRDT: per-node increments and decrements, gossiped to everyone."""
    inc, dec = {}, {}

    def on_add(m):
        delta = m["body"]["delta"]
        if not (node.fault == "drop-add" and delta == 3):
            table = inc if delta >= 0 else dec
            table[node.node_id] = table.get(node.node_id, 0) + abs(delta)
        node.reply(m, {"type": "add_ok"})

    def on_read(m):
        node.reply(m, {"type": "read_ok", "value": sum(inc.values()) - sum(dec.values())})

    def on_gossip(m):
        for table, other in ((inc, m["body"]["inc"]), (dec, m["body"]["dec"])):
            for k, v in other.items():
                table[k] = max(table.get(k, 0), v)

    def gossip():
        for peer in node.node_ids:
            if peer != node.node_id:
                node.send(peer, {"type": "counter_gossip", "inc": inc, "dec": dec})

    node.on("add", on_add)
    node.on("read", on_read)
    node.on("counter_gossip", on_gossip)
    node.every(0.1, gossip)


def kafka(node):
    """Logs in lin-kv: an offset per key by cas, each message under its own key."""
    sends = [0]
    cache = {}  # (key, offset) -> message, as written or read here

    def kv(body, callback):
        def got(reply):
            if reply is None:
                node.after(0.01, lambda: kv(body, callback))
            else:
                callback(reply)
        node.rpc("lin-kv", body, got)

    def allocate(key, callback):
        def read(reply):
            n = reply["value"] if reply["type"] == "read_ok" else 0

            def cas(r):
                if r["type"] == "cas_ok":
                    callback(n)
                else:
                    allocate(key, callback)
            kv({"type": "cas", "key": f"next/{key}", "from": n, "to": n + 1,
                "create_if_not_exists": True}, cas)
        kv({"type": "read", "key": f"next/{key}"}, read)

    def on_send(m):
        key, msg = m["body"]["key"], m["body"]["msg"]
        sends[0] += 1
        forget = node.fault == "forget" and sends[0] % 4 == 0

        def allocated(offset):
            if forget:
                node.reply(m, {"type": "send_ok", "offset": offset})
                return
            def written(r):
                cache[(key, offset)] = msg
                node.reply(m, {"type": "send_ok", "offset": offset})
            kv({"type": "write", "key": f"msg/{key}/{offset}", "value": msg}, written)
        allocate(key, allocated)

    def on_poll(m):
        """Every key at once: its next offset from lin-kv, then the messages below it, from
        this node's cache or lin-kv, up to 10 per key, stopping at a message not written yet."""
        wanted = list(m["body"]["offsets"].items())
        out = {}
        pending = [len(wanted)]

        def key_done(key, pairs):
            if pairs:
                out[key] = pairs
            pending[0] -= 1
            if pending[0] == 0:
                node.reply(m, {"type": "poll_ok", "msgs": out})

        def poll_key(key, start):
            pairs = []

            def read_at(offset, limit):
                if offset >= limit:
                    key_done(key, pairs)
                    return
                if (key, offset) in cache:
                    pairs.append([offset, cache[(key, offset)]])
                    read_at(offset + 1, limit)
                    return

                def got(r):
                    if r["type"] == "read_ok":
                        cache[(key, offset)] = r["value"]
                        pairs.append([offset, r["value"]])
                        read_at(offset + 1, limit)
                    else:
                        key_done(key, pairs)
                kv({"type": "read", "key": f"msg/{key}/{offset}"}, got)

            def got_next(r):
                n = r["value"] if r["type"] == "read_ok" else 0
                read_at(start, min(n, start + 10))
            kv({"type": "read", "key": f"next/{key}"}, got_next)

        if not wanted:
            node.reply(m, {"type": "poll_ok", "msgs": {}})
        for key, start in wanted:
            poll_key(key, start)

    def on_commit(m):
        items = list(m["body"]["offsets"].items())

        def step(i):
            if i == len(items):
                node.reply(m, {"type": "commit_offsets_ok"})
                return
            key, offset = items[i]
            kv({"type": "write", "key": f"commit/{key}", "value": offset},
               lambda r: step(i + 1))
        step(0)

    def on_list(m):
        keys = list(m["body"]["keys"])
        out = {}

        def step(i):
            if i == len(keys):
                node.reply(m, {"type": "list_committed_offsets_ok", "offsets": out})
                return

            def got(r):
                if r["type"] == "read_ok":
                    out[keys[i]] = r["value"]
                step(i + 1)
            kv({"type": "read", "key": f"commit/{keys[i]}"}, got)
        step(0)

    node.on("send", on_send)
    node.on("poll", on_poll)
    node.on("commit_offsets", on_commit)
    node.on("list_committed_offsets", on_list)


WORKLOADS = {
    "echo": echo,
    "unique-ids": unique_ids,
    "broadcast": lambda n: gossip_set(n, "broadcast", "message", "messages", True),
    "g-set": lambda n: gossip_set(n, "add", "element", "value", False),
    "g-counter": g_counter,
    "pn-counter": pn_counter,
    "kafka": kafka,
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workload", required=True, choices=sorted(WORKLOADS))
    p.add_argument("--fault", default=None)
    args = p.parse_args()
    node = Node(args.fault)
    WORKLOADS[args.workload](node)
    node.run()


if __name__ == "__main__":
    main()
