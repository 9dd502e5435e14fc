"""One Maelstrom-style test run: start, init, set up, operate, heal, wait, final reads, check.

The phases follow src/maelstrom/core.clj: the main phase issues operations at `rate` per second
in all (Jepsen's stagger: the gap before each is uniform on [0, 2/rate]) to `concurrency` client
threads, thread i bound to node i mod n, one operation at a time each, while the nemesis
partitions; when `time_limit` ends and every thread is idle, the network heals, the run waits
`recovery` seconds (Maelstrom: 10), then every thread runs the workload's final operations. A
thread whose operation ends indefinitely (`info`) becomes a new process, as in Jepsen, and opens
a new client unless the workload's client is reusable.
"""

import os
import random
import tempfile

from .loop import Loop, NodeProcess, RunFailed
from .nemesis import PartitionNemesis
from .net import Latency, Network
from .rpc import Conn, Timeout, ErrorReply, rpc
from .services import default_services
from . import workloads

INIT_TIMEOUT = 10.0
# The longest an operation can take: two RPCs in a row (kafka's poll, then its commit), each
# with the 5 s client timeout.
OPERATION_MAX = 11.0


class Worker:
    """A Jepsen client thread: a process id, its node, its connection and its state."""

    def __init__(self, run, thread):
        self.run = run
        self.loop = run.loop
        self.thread = thread
        self.process = thread
        self.node = run.node_ids[thread % len(run.node_ids)]
        self.rng = random.Random(run.rng.random())
        self.conn = Conn(run.loop, run.net)
        self.state = run.workload.new_state()
        self.busy = False

    def invoke(self, op, on_done):
        """Runs `op`, records its invocation and completion, then `on_done(completion)`."""
        assert not self.busy
        self.busy = True
        invocation = self.run.record(self.process, "invoke", op, op.get("value"), None)
        finished = []

        def done(kind, value, error):
            assert not finished, f"operation {op} completed twice"
            finished.append(True)
            completion = self.run.record(self.process, kind, op, value, error,
                                         invoke_index=invocation["index"])
            if kind == "info":
                self.process += self.run.concurrency
                if not self.run.workload.reusable_client:
                    self.conn.close()
                    self.conn = Conn(self.loop, self.run.net)
                    self.state = self.run.workload.new_state()
            self.busy = False
            self.run.workload_observe(completion)
            on_done(completion)

        self.run.workload.invoke(self, op, done)


class Run:
    """A whole run with its options (see standin.py for their meaning)."""

    def __init__(self, opts):
        self.opts = opts
        self.rng = random.Random(opts["seed"])
        self.loop = Loop()
        self.store = opts.get("store") or tempfile.mkdtemp(prefix="standin-")
        os.makedirs(self.store, exist_ok=True)
        self.journal = open(os.path.join(self.store, "net.log"), "w") if opts.get("log_net") \
            else None
        latency = Latency(opts.get("latency", 0), opts.get("latency_dist", "constant"))
        self.net = Network(self.loop, self.rng, latency, self.journal)
        self.node_ids = [f"n{i}" for i in range(opts["node_count"])]
        self.concurrency = opts.get("concurrency") or len(self.node_ids)
        self.workload = workloads.make(opts["workload"], opts)
        self.history = []
        self.nodes = {}
        self.workers = []
        self.nemesis = None
        self.phase_times = {}

    # History

    def record(self, process, kind, op, value, error, invoke_index=None):
        """Appends one operation (invocation or completion) to the history."""
        entry = {"index": len(self.history), "time": self.loop.now(), "process": process,
                 "type": kind, "f": op["f"], "value": value, "final": bool(op.get("final"))}
        if error is not None:
            entry["error"] = error
        if invoke_index is not None:
            entry["invoke_index"] = invoke_index
            self.history[invoke_index]["complete_index"] = entry["index"]
        self.history.append(entry)
        return entry

    def workload_observe(self, completion):
        observe = getattr(self.workload, "observe", None)
        if observe:
            observe(completion)

    # Setup

    def start(self):
        """Services, node processes, and init on every node (10 s each, as Maelstrom)."""
        for service_id, service in default_services(self.rng).items():
            self.net.add_service(service_id, service)
        argv = self.opts["bin"]
        for node_id in self.node_ids:
            log = os.path.join(self.store, f"{node_id}.log")
            process = NodeProcess(self.loop, node_id, argv, log, self.net.node_line)
            self.nodes[node_id] = process
            self.net.add_node(node_id, process)
        self._every_node(
            lambda n: {"type": "init", "node_id": n, "node_ids": list(self.node_ids)},
            "init", INIT_TIMEOUT)

    def _every_node(self, body_for, what, timeout, ok_type=None, fields=None):
        """Sends one request per node from a fresh client each; fails the run unless all reply."""
        pending = {}
        conns = []
        for node_id in self.node_ids:
            conn = Conn(self.loop, self.net)
            conns.append(conn)
            pending[node_id] = True

            def reply(r, node_id=node_id):
                if isinstance(r, (Timeout, ErrorReply)):
                    self.loop.fail(f"{what} on {node_id} failed: {r}")
                elif ok_type is None and r.get("type") != f"{what}_ok":
                    self.loop.fail(f"expected an {what}_ok from {node_id}, got {r!r}")
                else:
                    pending.pop(node_id, None)
            if ok_type is None:
                conn.call(node_id, body_for(node_id), reply, timeout)
            else:
                rpc(self.loop, conn, node_id, body_for(node_id), ok_type, fields, reply)
        if not self.loop.run_until(self.loop.now() + timeout + 1, lambda: not pending):
            raise RunFailed(f"{what}: no reply from {sorted(pending)}")
        for conn in conns:
            conn.close()

    def send_to_every_node(self, body_for, ok_type, fields, done):
        """For a workload's setup (broadcast's topology): one typed request per node."""
        what = ok_type[:-3]
        self._every_node(body_for, what, 5.0, ok_type, fields)
        done()

    # Phases

    def main_phase(self):
        """Operations at the rate, with the nemesis, for time_limit seconds; then idle threads."""
        self.workers = [Worker(self, t) for t in range(self.concurrency)]
        end = self.loop.now() + self.opts["time_limit"]
        rate = self.opts["rate"]
        waiting = [False]
        planned = [self.loop.now()]

        def tick():
            if self.loop.now() >= end:
                return
            free = [w for w in self.workers if not w.busy]
            if not free:
                waiting[0] = True
                return
            worker = self.rng.choice(free)
            worker.invoke(self.workload.next_op(self.rng), freed)
            # As Jepsen's stagger: from the planned time, so a late tick does not lower the rate.
            planned[0] += self.rng.uniform(0, 2.0 / rate)
            self.loop.at(max(planned[0], self.loop.now()), tick)

        def freed(_completion):
            if waiting[0]:
                waiting[0] = False
                tick()

        if rate > 0:
            self.loop.after(0, tick)
        crash_op = getattr(self.workload, "crash_op", None)
        if crash_op:
            # Jepsen staggers crashes by interval / concurrency: each client about every interval.
            mean = self.workload.crash_interval / self.concurrency

            def crash():
                if self.loop.now() >= end:
                    return
                free = [w for w in self.workers if not w.busy]
                if free:
                    self.rng.choice(free).invoke(crash_op(), freed)
                self.loop.after(self.rng.uniform(0, 2 * mean), crash)
            self.loop.after(self.rng.uniform(0, 2 * mean), crash)
        if self.opts.get("nemesis") == "partition":
            self.nemesis = PartitionNemesis(self.loop, self.net, self.node_ids, self.rng,
                                            self.opts.get("nemesis_interval", 10.0))
            self.nemesis.begin()
        self.phase_times["main_start"] = self.loop.now()
        self.loop.run_until(end)
        self._await_idle("the main phase")
        self.phase_times["main_end"] = self.loop.now()

    def _await_idle(self, phase):
        """Waits for the operations in flight; each ends by reply or timeout."""
        if not self.loop.run_until(self.loop.now() + OPERATION_MAX,
                                   lambda: not any(w.busy for w in self.workers)):
            raise RunFailed(f"operations still in flight {OPERATION_MAX} s after {phase}")

    def final_phase(self):
        """Heal, wait `recovery` seconds, then each thread's final operations."""
        if self.nemesis:
            self.nemesis.finish()
        self.net.heal()
        if not self.workload.has_final:
            return
        self.loop.run_until(self.loop.now() + self.opts.get("recovery", 10.0))
        self.phase_times["final_start"] = self.loop.now()
        limit = getattr(self.workload, "final_time_limit", None)
        stop_at = self.loop.now() + (limit if limit else 1e9)
        running = set()

        def program_for(worker):
            program = getattr(self.workload, "final_program", None)
            if program:
                return program(worker)
            return ((0.0, op) for op in self.workload.final_ops(worker.thread))

        def step(worker, program, completion):
            try:
                delay, op = program.send(completion) if completion else next(program)
            except StopIteration:
                running.discard(worker.thread)
                return
            if self.loop.now() + delay >= stop_at:
                running.discard(worker.thread)
                return
            self.loop.after(delay, lambda: worker.invoke(
                op, lambda c: step(worker, program, c)))

        for worker in self.workers:
            running.add(worker.thread)
            step(worker, program_for(worker), None)
        self.loop.run_until(self.loop.now() + (limit or 0) + OPERATION_MAX,
                            lambda: not running and not any(w.busy for w in self.workers))
        self._await_idle("the final phase")
        self.phase_times["final_end"] = self.loop.now()

    def stop(self):
        """Ends every node's input, then kills what has not exited."""
        for process in self.nodes.values():
            process.close_input()
        statuses = {n: p.stop() for n, p in self.nodes.items()}
        if self.journal:
            self.journal.close()
        return statuses

    def execute(self):
        """The whole run; returns the result dict (see report.result)."""
        from .report import result
        failure = None
        try:
            self.start()
            self.workload.setup(self, lambda: None)
            self.main_phase()
            self.final_phase()
        except RunFailed as error:
            failure = str(error)
        finally:
            statuses = self.stop()
        return result(self, failure, statuses)
