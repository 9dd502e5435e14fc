#!/usr/bin/env python3
"""The stand-in's self-tests: services, network, topologies and partitions, each checker on
hand-made histories, then whole runs against the reference nodes, correct (must pass, with and
without partitions) and faulty (must fail). `python3 Tests/Maelstrom/selftest.py [-q]`; about
half a minute; `--no-runs` leaves out the runs against the reference nodes.
"""

import concurrent.futures
import json
import os
import random
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from standin import checkers, kafka_checker, nemesis, services  # noqa: E402
from standin.loop import Loop  # noqa: E402
from standin.net import Latency, Network  # noqa: E402
from standin.workloads import grid_topology, topologies  # noqa: E402


def kv(service, src, **body):
    return service.handle({"src": src, "dest": "x", "body": body})


class ServiceTests(unittest.TestCase):
    def test_lin_kv_reads_writes_and_cas_with_maelstrom_errors(self):
        s = services.LinKV()
        self.assertEqual(kv(s, "n0", type="read", key="k")["code"], 20)
        self.assertEqual(kv(s, "n0", type="cas", key="k", **{"from": 1}, to=2)["code"], 20)
        self.assertEqual(kv(s, "n0", type="cas", key="k", **{"from": 1}, to=2,
                            create_if_not_exists=True)["type"], "cas_ok")
        self.assertEqual(kv(s, "n1", type="read", key="k"), {"type": "read_ok", "value": 2})
        self.assertEqual(kv(s, "n1", type="cas", key="k", **{"from": 1}, to=3)["code"], 22)
        self.assertEqual(kv(s, "n1", type="write", key="k", value=5)["type"], "write_ok")
        self.assertEqual(kv(s, "n0", type="cas", key="k", **{"from": 5}, to=6)["type"],
                         "cas_ok")

    def test_kv_keeps_json_types_apart(self):
        s = services.LinKV()
        kv(s, "n0", type="write", key=1, value=1)
        self.assertEqual(kv(s, "n0", type="read", key="1")["code"], 20)
        self.assertEqual(kv(s, "n0", type="cas", key=1, **{"from": 1.0}, to=2)["code"], 22)
        self.assertEqual(kv(s, "n0", type="cas", key=1, **{"from": True}, to=2)["code"], 22)

    def test_seq_kv_serves_stale_reads_but_each_client_only_moves_forward(self):
        s = services.SeqKV(random.Random(7))
        for i in range(20):
            kv(s, "n0", type="write", key="k", value=i)
        firsts = [kv(s, f"c{i}", type="read", key="k").get("value", -1) for i in range(50)]
        self.assertLess(min(firsts), 19, "first reads of other clients may be stale")
        reads = [kv(s, "n1", type="read", key="k") for _ in range(200)]
        values = [r.get("value", -1) for r in reads]
        self.assertEqual(values, sorted(values), "a client's reads never go back")
        self.assertEqual(kv(s, "n0", type="read", key="k")["value"], 19,
                         "the writer reads its own last write")

    def test_seq_kv_runs_a_state_changing_cas_on_the_latest_state(self):
        s = services.SeqKV(random.Random(1))
        kv(s, "n0", type="write", key="k", value=1)
        kv(s, "n0", type="write", key="k", value=2)
        # n1 may see 1 while reading, but a cas from 1 would change the state: it runs on the
        # latest state (2) and fails.
        for _ in range(20):
            self.assertEqual(kv(s, "n1", type="cas", key="k", **{"from": 1}, to=9)["code"], 22)

    def test_lww_kv_has_no_create_if_not_exists_and_answers_from_some_replica(self):
        s = services.LwwKV(random.Random(3))
        self.assertEqual(kv(s, "n0", type="cas", key="k", **{"from": 0}, to=1,
                            create_if_not_exists=True)["code"], 20)
        kv(s, "n0", type="write", key="k", value=1)
        seen = {json.dumps(kv(s, "n1", type="read", key="k")) for _ in range(50)}
        self.assertIn(json.dumps({"type": "read_ok", "value": 1}), seen)

    def test_lin_tso_counts_from_zero(self):
        s = services.LinTSO()
        self.assertEqual([s.handle({"body": {"type": "ts"}})["ts"] for _ in range(3)],
                         [0, 1, 2])


class FakeNode:
    def __init__(self):
        self.lines = []

    def write_line(self, line):
        self.lines.append(line)


def network(latency_ms=0):
    loop = Loop()
    net = Network(loop, random.Random(1), Latency(latency_ms))
    nodes = {n: FakeNode() for n in ("n0", "n1")}
    for n, node in nodes.items():
        net.add_node(n, node)
    net.add_service("lin-kv", services.LinKV())
    return loop, net, nodes


class NetworkTests(unittest.TestCase):
    def test_a_message_arrives_as_compact_json_with_maelstroms_id_first(self):
        loop, net, nodes = network()
        net.node_line("n0", b'{"src": "n0", "dest": "n1", "body": {"type": "x"}}')
        loop.run_until(loop.now() + 0.1, lambda: nodes["n1"].lines)
        self.assertEqual(nodes["n1"].lines, ['{"id":0,"src":"n0","dest":"n1","body":{"type":"x"}}'])

    def test_lines_maelstrom_would_reject_fail_the_run(self):
        bad = [b"not json", b"[1]", b'{"src": "n0", "dest": "n1"}',
               b'{"src": "n0", "dest": "n1", "body": {}, "extra": 1}',
               b'{"src": "n0", "dest": "n1", "body": 3}',
               b'{"src": "n1", "dest": "n0", "body": {}}',
               b'{"src": "n0", "dest": "c9", "body": {}}',
               b'{"src": "n0", "dest": "n7", "body": {}}']
        for line in bad:
            loop, net, _ = network()
            net.node_line("n0", line)
            self.assertIsNotNone(loop.failure, line)
        loop, net, _ = network()
        net.node_line("n0", b'{"id": 4, "src": "n0", "dest": "lin-kv", "body": {"type": "x"}}')
        self.assertIsNone(loop.failure)

    def test_a_partition_drops_on_receive_what_was_sent_before_it(self):
        loop, net, nodes = network(latency_ms=50)
        net.node_line("n0", b'{"src": "n0", "dest": "n1", "body": {"type": "x"}}')
        net.partition({"n1": {"n0"}})
        loop.run_until(loop.now() + 0.2)
        self.assertEqual(nodes["n1"].lines, [])
        self.assertEqual(net.dropped_partition, 1)
        self.assertEqual(net.server_messages, 1)

    def test_latency_distributions_are_maelstroms_in_whole_milliseconds(self):
        rng = random.Random(4)
        self.assertEqual(Latency(100).draw(rng), 0.1)
        uniform = [Latency(100, "uniform").draw(rng) for _ in range(2000)]
        self.assertTrue(all(0 <= x <= 0.2 for x in uniform))
        self.assertAlmostEqual(sum(uniform) / len(uniform), 0.1, delta=0.01)
        expo = [Latency(100, "exponential").draw(rng) for _ in range(4000)]
        self.assertAlmostEqual(sum(expo) / len(expo), 0.1, delta=0.01)
        self.assertTrue(all(round(x * 1000) == x * 1000 for x in uniform[:50] + expo[:50]))
        self.assertEqual(Latency(0, "exponential").draw(rng), 0.0)

    def test_services_answer_with_in_reply_to_and_count_as_server_messages(self):
        loop, net, nodes = network()
        net.node_line("n0", b'{"src": "n0", "dest": "lin-kv", "body": '
                            b'{"type": "read", "key": "a", "msg_id": 4}}')
        loop.run_until(loop.now() + 0.1, lambda: nodes["n0"].lines)
        reply = json.loads(nodes["n0"].lines[0])
        self.assertEqual(reply["body"], {"type": "error", "code": 20,
                                         "text": "key does not exist", "in_reply_to": 4})
        self.assertEqual((net.server_messages, net.node_service, net.node_to_node), (2, 2, 0))


class TopologyAndPartitionTests(unittest.TestCase):
    def test_grid_topology_of_25_nodes_is_maelstroms(self):
        nodes = [f"n{i}" for i in range(25)]
        topo = grid_topology(nodes)
        self.assertEqual(topo["n0"], ["n5", "n1"])
        self.assertEqual(topo["n12"], ["n17", "n7", "n13", "n11"])
        self.assertTrue(all(len(v) <= 4 for v in topo.values()))

    def test_tree_topology_links_parents_and_children(self):
        topo = topologies([f"n{i}" for i in range(7)], "tree")
        self.assertEqual(topo["n0"], ["n1", "n2"])
        self.assertEqual(topo["n1"], ["n0", "n3", "n4"])
        self.assertEqual(topo["n6"], ["n2"])

    def test_every_partition_spec_gives_a_grudge_inside_the_cluster(self):
        nodes = [f"n{i}" for i in range(5)]
        rng = random.Random(2)
        for spec in nemesis.SPECS:
            grudge = nemesis.grudge_for(spec, nodes, rng)
            self.assertTrue(any(grudge.values()), spec)
            for dest, srcs in grudge.items():
                self.assertNotIn(dest, srcs)
                self.assertLessEqual(srcs, set(nodes))


class History:
    """Hand-made histories: invocations and completions with times in seconds."""

    def __init__(self):
        self.ops = []

    def invoke(self, process, f, value=None, time=0.0, final=False):
        self.ops.append({"index": len(self.ops), "time": time, "process": process,
                         "type": "invoke", "f": f, "value": value, "final": final})
        return len(self.ops) - 1

    def complete(self, i, kind, value=None, time=0.0):
        inv = self.ops[i]
        self.ops.append({"index": len(self.ops), "time": time, "process": inv["process"],
                         "type": kind, "f": inv["f"], "value": value, "final": inv["final"],
                         "invoke_index": i})
        inv["complete_index"] = len(self.ops) - 1

    def op(self, process, f, value, kind, result=None, time=0.0, final=False):
        self.complete(self.invoke(process, f, value, time, final), kind,
                      value if result is None else result, time + 0.001)


class CheckerTests(unittest.TestCase):
    def test_echo_needs_every_payload_back(self):
        h = History()
        h.op(0, "echo", "a", "ok", {"echo": "a"})
        self.assertTrue(checkers.echo(h.ops)["valid"])
        h.op(0, "echo", "b", "ok", {"echo": "c"})
        self.assertFalse(checkers.echo(h.ops)["valid"])

    def test_unique_ids_finds_a_duplicate_but_not_across_types(self):
        h = History()
        h.op(0, "generate", None, "ok", 1)
        h.op(1, "generate", None, "ok", "1")
        self.assertTrue(checkers.unique_ids(h.ops)["valid"])
        h.op(1, "generate", None, "ok", 1)
        self.assertFalse(checkers.unique_ids(h.ops)["valid"])

    def test_set_full_stable_lost_and_latency(self):
        h = History()
        h.op(0, "add", 1, "ok", time=0.0)
        h.op(1, "read", None, "ok", [], time=0.1)        # misses 1 after it was known
        h.op(1, "read", None, "ok", [1], time=0.3)
        r = checkers.set_full(h.ops)
        self.assertEqual((r["valid"], r["stable_count"]), (True, 1))
        self.assertEqual(r["stable_latencies"][1], 99)  # from the ack, 1 ms after the add
        h.op(0, "add", 2, "ok", time=0.4)
        h.op(1, "read", None, "ok", [1, 2], time=0.5)
        h.op(1, "read", None, "ok", [1], time=0.6, final=True)   # 2 is gone: lost
        r = checkers.set_full(h.ops)
        self.assertEqual((r["valid"], r["lost"]), (False, [2]))

    def test_set_full_requires_every_acknowledged_element_in_every_final_read(self):
        h = History()
        h.op(0, "add", 1, "ok", time=0.0)
        h.op(1, "read", None, "ok", [], time=0.1, final=True)
        h.op(0, "read", None, "ok", [1], time=0.2, final=True)
        r = checkers.set_full(h.ops)
        self.assertEqual((r["maelstrom_valid"], r["valid"]), (True, False))

    def test_set_full_without_any_stable_element_is_unknown(self):
        h = History()
        h.op(0, "add", 1, "info")
        self.assertEqual(checkers.set_full(h.ops)["valid"], "unknown")

    def test_counter_accepts_the_definite_sum_plus_any_indefinite_adds(self):
        h = History()
        h.op(0, "add", 2, "ok")
        h.op(0, "add", 3, "info")
        h.op(0, "add", 4, "fail")
        for v, ok in ((2, True), (5, True), (4, False), (6, False)):
            h2 = History()
            h2.ops = [dict(o) for o in h.ops]
            h2.op(1, "read", None, "ok", v, final=True)
            self.assertEqual(checkers.counter(h2.ops)["valid"], ok, v)

    def test_kafka_checker_finds_lost_unseen_duplicate_and_skips(self):
        def send(h, p, k, v, off):
            h.op(p, "send", [["send", k, v]], "ok", [["send", k, [off, v]]])

        def poll(h, p, msgs):
            h.op(p, "poll", [["poll"]], "ok", [["poll", msgs]])

        h = History()
        for i in range(3):
            send(h, 0, "k", i + 1, i)
        poll(h, 1, {"k": [[0, 1], [1, 2], [2, 3]]})
        self.assertTrue(kafka_checker.check(h.ops)["valid"])

        h = History()
        for i in range(3):
            send(h, 0, "k", i + 1, i)
        poll(h, 1, {"k": [[0, 1], [2, 3]]})
        r = kafka_checker.check(h.ops)
        self.assertIn("lost-write", r["error_types"])
        self.assertIn("unseen", r["error_types"])
        self.assertIn("int-poll-skip", r["error_types"])

        h = History()
        send(h, 0, "k", 1, 0)
        send(h, 0, "k", 2, 0)
        self.assertIn("inconsistent-offsets", kafka_checker.check(h.ops)["error_types"])

        h = History()
        send(h, 0, "k", 1, 1)
        send(h, 0, "k", 2, 0)
        poll(h, 1, {"k": [[0, 2], [1, 1]]})
        poll(h, 1, {"k": [[0, 2]]})
        r = kafka_checker.check(h.ops)
        self.assertIn("nonmonotonic-send", r["error_types"])
        self.assertIn("nonmonotonic-poll", r["error_types"])

        h = History()
        send(h, 0, "k", 1, 0)
        send(h, 0, "k", 1, 1)
        poll(h, 1, {"k": [[0, 1], [1, 1]]})
        self.assertIn("duplicate", kafka_checker.check(h.ops)["error_types"])


REF = os.path.join(HERE, "refnodes", "refnode.py")
STANDIN = os.path.join(HERE, "standin.py")


def run_ref(workload, fault=None, partition=False, nodes=3, seconds=2.0):
    """One short stand-in run against a reference node: (exit status, output)."""
    cmd = f"{sys.executable} {REF} --workload {workload}" + (f" --fault {fault}" if fault else "")
    args = [sys.executable, STANDIN, "test", "-w", workload, "--bin", cmd,
            "--node-count", str(nodes), "--time-limit", str(seconds), "--rate", "40",
            "--recovery", "1", "--seed", "11"]
    if partition:
        args += ["--nemesis", "partition", "--nemesis-interval", "0.4"]
    if workload == "unique-ids":
        args += ["--availability", "total"]
    with tempfile.TemporaryDirectory() as store:
        out = subprocess.run(args + ["--store", store], capture_output=True, text=True,
                             timeout=120)
    return out.returncode, out.stdout + out.stderr


FAULTS = {"echo": "wrong-echo", "unique-ids": "collide", "broadcast": "drop-value",
          "g-set": "drop-value", "g-counter": "drop-add", "pn-counter": "drop-add",
          "kafka": "forget"}


class InitAndTopologyLines(unittest.TestCase):
    """What a node receives first, byte for byte, as Maelstrom sends it."""

    def test_init_and_topology_arrive_as_maelstrom_writes_them(self):
        cmd = f"{sys.executable} {REF} --workload broadcast"
        with tempfile.TemporaryDirectory() as store:
            out = subprocess.run(
                [sys.executable, STANDIN, "test", "-w", "broadcast", "--bin", cmd,
                 "--node-count", "3", "--time-limit", "0.5", "--rate", "10", "--recovery",
                 "1", "--seed", "1", "--store", store], capture_output=True, text=True,
                timeout=60)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            with open(os.path.join(store, "n1.log")) as f:
                lines = [x[len("recv "):] for x in f.read().splitlines()
                         if x.startswith("recv ")]
        self.assertRegex(lines[0], r'^\{"id":\d+,"src":"c\d+","dest":"n1","body":\{"type":"init",'
                         r'"node_id":"n1","node_ids":\["n0","n1","n2"\],"msg_id":1\}\}$')
        self.assertRegex(lines[1], r'^\{"id":\d+,"src":"c\d+","dest":"n1","body":\{"type":"topology",'
                         r'"topology":\{"n0":\["n2","n1"\],"n1":\["n0"\],"n2":\["n0"\]\},'
                         r'"msg_id":1\}\}$')


class ReferenceNodeRuns(unittest.TestCase):
    """Each checker passes a correct node and fails a broken one, in whole runs."""

    @classmethod
    def setUpClass(cls):
        jobs = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for w, fault in FAULTS.items():
                jobs[(w, None, False)] = pool.submit(run_ref, w)
                jobs[(w, None, True)] = pool.submit(run_ref, w, partition=True)
                jobs[(w, fault, False)] = pool.submit(run_ref, w, fault)
            for fault in ("bad-src", "bad-dest", "extra-key", "extra-field"):
                jobs[("echo", fault, False)] = pool.submit(run_ref, "echo", fault)
        cls.results = {k: f.result() for k, f in jobs.items()}

    def test_correct_reference_nodes_pass_every_checker_with_and_without_partitions(self):
        for (w, fault, partition), (status, out) in self.results.items():
            if fault is None:
                with self.subTest(workload=w, partition=partition):
                    self.assertEqual(status, 0, out)

    def test_each_checker_fails_its_broken_reference_node(self):
        for w, fault in FAULTS.items():
            with self.subTest(workload=w, fault=fault):
                status, out = self.results[(w, fault, False)]
                self.assertEqual(status, 1, out)
                self.assertIn("NOT VALID", out)

    def test_bad_envelopes_and_replies_fail_the_run_naming_the_rule(self):
        for fault, words in (("bad-src", "is not the node itself"),
                             ("bad-dest", "is not a node, service or client"),
                             ("extra-key", "exactly src, dest and body"),
                             ("extra-field", "not in the response schema")):
            with self.subTest(fault=fault):
                status, out = self.results[("echo", fault, False)]
                self.assertEqual(status, 1, out)
                self.assertIn(words, out)


if __name__ == "__main__":
    if "--no-runs" in sys.argv:
        sys.argv.remove("--no-runs")
        del ReferenceNodeRuns, InitAndTopologyLines
    unittest.main()
