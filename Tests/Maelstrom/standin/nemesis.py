"""Partitions as Jepsen's partition package makes them (jepsen/nemesis/combined.clj).

The schedule flip-flops start-partition and stop-partition, each after a staggered delay (uniform
on [0, 2 * interval], mean `interval`, Maelstrom's --nemesis-interval, default 10 s). A start picks
one of Jepsen's specs at random for a database without primaries: `one` (isolate one node),
`minority-third` (cut off fewer than a third), `majority` (a clean halving of a shuffle),
`majorities-ring` (each node sees a majority centred on itself in a shuffled ring). The grudge is
complete: each node drops everything from the nodes outside its component. Before the final
reads, the network heals, as Maelstrom's final generator does.
"""

SPECS = ("one", "minority-third", "majority", "majorities-ring")


def complete_grudge(components):
    """dest -> srcs it drops: every node outside its own component."""
    everyone = [n for comp in components for n in comp]
    grudge = {}
    for comp in components:
        inside = set(comp)
        for node in comp:
            grudge[node] = {n for n in everyone if n not in inside}
    return grudge


def majorities_ring(nodes, rng):
    """Each node keeps a majority of the ring centred on itself and drops the rest."""
    ring = list(nodes)
    rng.shuffle(ring)
    n = len(ring)
    m = n // 2 + 1
    grudge = {}
    for i, node in enumerate(ring):
        keep = {ring[(i + d) % n] for d in range(-(m // 2), m - m // 2)}
        grudge[node] = {x for x in ring if x not in keep}
    return grudge


def grudge_for(spec, nodes, rng):
    """The grudge of one partition spec over `nodes`."""
    nodes = list(nodes)
    if len(nodes) < 2:
        return {}
    if spec == "one":
        lone = rng.choice(nodes)
        return complete_grudge([[lone], [n for n in nodes if n != lone]])
    if spec == "majority":
        shuffled = nodes[:]
        rng.shuffle(shuffled)
        half = len(shuffled) // 2
        return complete_grudge([shuffled[:half], shuffled[half:]])
    if spec == "minority-third":
        shuffled = nodes[:]
        rng.shuffle(shuffled)
        cut = max(1, (len(shuffled) - 1) // 3)
        return complete_grudge([shuffled[:cut], shuffled[cut:]])
    if spec == "majorities-ring":
        return majorities_ring(nodes, rng)
    raise ValueError(f"unknown partition spec {spec!r}")


class PartitionNemesis:
    """Starts and stops partitions on a network until told to stop; logs what it did."""

    def __init__(self, loop, net, nodes, rng, interval):
        self.loop = loop
        self.net = net
        self.nodes = list(nodes)
        self.rng = rng
        self.interval = interval
        self.active = False
        self.stopped = False
        self.events = []  # (time, "start"/"stop", spec, grudge)

    def begin(self):
        """Schedules the first start."""
        self._schedule(self._start)

    def _schedule(self, fn):
        self.loop.after(self.rng.uniform(0, 2 * self.interval), fn)

    def _start(self):
        if self.stopped:
            return
        spec = self.rng.choice(SPECS)
        grudge = grudge_for(spec, self.nodes, self.rng)
        self.net.partition(grudge)
        self.active = True
        self.events.append((self.loop.now(), "start", spec, grudge))
        self._schedule(self._stop)

    def _stop(self):
        if self.stopped:
            return
        self.net.heal()
        self.active = False
        self.events.append((self.loop.now(), "stop", None, None))
        self._schedule(self._start)

    def finish(self):
        """Heals for good (the final generator's stop-partition)."""
        self.stopped = True
        self.net.heal()
        if self.active:
            self.events.append((self.loop.now(), "stop", None, None))
        self.active = False
