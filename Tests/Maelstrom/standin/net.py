"""The simulated network, after Maelstrom's src/maelstrom/net.clj and process.clj.

What it does as Maelstrom does:
- every message gets a network-wide `id` and is delivered as compact JSON with that extra
  top-level key (`{"id":7,"src":"c3","dest":"n1","body":{...}}`);
- a message to or from a client has no latency; every other message (node to node, node to
  service, service to node) gets a latency drawn from the distribution (constant, uniform on
  [0, 2*mean], exponential with that mean), in whole milliseconds;
- partitions are a grudge, `dest -> {src, ...}`, and a message is dropped when it is received,
  not when it is sent: a message sent before a partition and due after it is dropped;
- messages between servers (any message that involves no client: node to node and node to
  service) are counted as Maelstrom's net checker counts them, at send time.

What it checks more strictly than Maelstrom: a node's line must be a JSON object with exactly
`src`, `dest`, `body` (and an optional integer `id`, which Maelstrom's schema allows), `body` an
object, `src` the node itself (Maelstrom only asks for a known node), `dest` a node, a service or
a client that exists or existed. Anything else fails the run at once, naming the node and line.
Maelstrom removes a closed client from the network; here its id stays known and what arrives for
it is counted and dropped.
"""

import json
import math

from .jsonval import compact, is_int


class Latency:
    """Maelstrom's latency distributions, in milliseconds (net.clj latency-dist)."""

    def __init__(self, mean_ms=0, dist="constant"):
        if dist not in ("constant", "uniform", "exponential"):
            raise ValueError(f"unknown latency distribution {dist!r}")
        self.mean_ms = mean_ms
        self.dist = dist

    def draw(self, rng):
        """One latency in seconds."""
        if self.mean_ms <= 0:
            return 0.0
        if self.dist == "constant":
            ms = self.mean_ms
        elif self.dist == "uniform":
            ms = rng.randint(0, 2 * self.mean_ms)
        else:
            ms = int(-math.log(1.0 - rng.random()) * self.mean_ms)
        return ms / 1000.0


def is_client(node_id):
    """Maelstrom's rule: an id that starts with `c` is a client."""
    return node_id.startswith("c")


class Network:
    """Routes envelopes between node processes, services and clients on one loop."""

    def __init__(self, loop, rng, latency, journal=None):
        self.loop = loop
        self.rng = rng
        self.latency = latency
        self.journal = journal
        self.nodes = {}        # node id -> NodeProcess
        self.services = {}     # service id -> service object with handle(message) -> body
        self.clients = {}      # open client id -> callback(message)
        self.known_clients = set()
        self.grudge = {}       # dest -> set of srcs it drops
        self.next_message_id = 0
        self.next_client_number = 0
        self.sent = 0
        self.server_messages = 0       # Maelstrom's :servers :msg-count
        self.node_to_node = 0
        self.node_service = 0          # both directions
        self.dropped_partition = 0
        self.to_closed_client = 0
        # How late deliveries ran behind their due time (the stand-in's own delay), in ms,
        # sampled every 16th delivery to stay bounded.
        self.lateness_ms = []
        self._deliveries = 0

    # Membership

    def add_node(self, node_id, process):
        """A node process, by id."""
        self.nodes[node_id] = process

    def add_service(self, service_id, service):
        """A service, by id; it answers every request it receives."""
        self.services[service_id] = service

    def open_client(self, on_message):
        """A new client id (c0, c1, ... as Maelstrom numbers them) and its inbox callback."""
        client_id = f"c{self.next_client_number}"
        self.next_client_number += 1
        self.clients[client_id] = on_message
        self.known_clients.add(client_id)
        return client_id

    def close_client(self, client_id):
        """Closes a client; later messages to it are dropped."""
        self.clients.pop(client_id, None)

    # Partitions

    def partition(self, grudge):
        """Makes `dest` drop everything from the sources in `grudge[dest]`."""
        self.grudge = {dest: set(srcs) for dest, srcs in grudge.items()}

    def heal(self):
        """Removes every partition."""
        self.grudge = {}

    # Sending

    def node_line(self, node_id, raw):
        """A line a node wrote to stdout: validated as Maelstrom's net would, then sent."""
        try:
            text = raw.decode("utf-8")
            envelope = json.loads(text)
        except (UnicodeDecodeError, ValueError) as error:
            self._reject(node_id, raw, f"not well-formed JSON ({error})")
            return
        if not isinstance(envelope, dict):
            self._reject(node_id, raw, "not a JSON object")
            return
        extra = set(envelope) - {"src", "dest", "body", "id"}
        if extra or not {"src", "dest", "body"} <= set(envelope):
            self._reject(node_id, raw, "the envelope must have exactly src, dest and body "
                         f"(found keys {sorted(envelope)})")
            return
        if "id" in envelope and not is_int(envelope["id"]):
            self._reject(node_id, raw, "an envelope's id must be an integer")
            return
        src, dest, body = envelope["src"], envelope["dest"], envelope["body"]
        if not isinstance(body, dict):
            self._reject(node_id, raw, "body must be a JSON object")
            return
        if src != node_id:
            self._reject(node_id, raw, f"src {src!r} is not the node itself ({node_id!r})")
            return
        if not isinstance(dest, str) or not self._known(dest):
            self._reject(node_id, raw, f"dest {dest!r} is not a node, service or client")
            return
        self.send(src, dest, body)

    def _known(self, dest):
        return dest in self.nodes or dest in self.services or dest in self.known_clients

    def _reject(self, node_id, raw, why):
        self.loop.fail(f"node {node_id} wrote a line Maelstrom's network rejects: {why}:\n"
                       f"  {raw[:500]!r}")

    def send(self, src, dest, body):
        """Sends one message; assigns its id, draws its latency, schedules its delivery."""
        message = {"id": self.next_message_id, "src": src, "dest": dest, "body": body}
        self.next_message_id += 1
        self.sent += 1
        if not (is_client(src) or is_client(dest)):
            self.server_messages += 1
            if src in self.nodes and dest in self.nodes:
                self.node_to_node += 1
            else:
                self.node_service += 1
            delay = self.latency.draw(self.rng)
        else:
            delay = 0.0
        if self.journal:
            self.journal.write(f"{self.loop.now():.4f} send {compact(message)}\n")
        due = self.loop.now() + delay
        self.loop.at(due, lambda: self._deliver(message, due))

    def _deliver(self, message, due):
        src, dest = message["src"], message["dest"]
        self._deliveries += 1
        if self._deliveries % 16 == 0 and len(self.lateness_ms) < 100_000:
            self.lateness_ms.append((self.loop.now() - due) * 1000)
        if src in self.grudge.get(dest, ()):
            self.dropped_partition += 1
            if self.journal:
                self.journal.write(f"{self.loop.now():.4f} drop {message['id']}\n")
            return
        if self.journal:
            self.journal.write(f"{self.loop.now():.4f} recv {message['id']}\n")
        if dest in self.nodes:
            self.nodes[dest].write_line(compact(message))
        elif dest in self.services:
            reply = self.services[dest].handle(message)
            if reply is not None:
                reply["in_reply_to"] = message["body"].get("msg_id")
                self.send(dest, src, reply)
        elif dest in self.clients:
            self.clients[dest](message)
        else:
            self.to_closed_client += 1
