import Messenger

/// Maelstrom's workloads, each a family of handlers written only against `Messenger`: by
/// `--workload` name, the setup that registers a workload's handlers on a node.
public enum Workloads {
  /// Every workload of this module by name; the executable picks one with `--workload NAME`.
  public static var all: [String: (Node) -> Void] {
    [
      "unique-ids": UniqueIDs.install,
      "broadcast": Broadcast.install,
      "g-set": GSet.install,
      "g-counter": Counters.installGrowOnly,
      "pn-counter": Counters.install,
      "kafka": Kafka.install,
    ]
  }

  /// What each workload answers and guarantees, in a few words, for `--help`.
  public static let summaries: [String: String] = [
    "unique-ids": "generate: ids unique without coordination (totally available)",
    "broadcast": "topology, broadcast, read: gossip on a star of our own, batched per peer",
    "g-set": "add, read: a grow-only set gossiped over a mesh",
    "g-counter": "add (delta >= 0), read: a counter CRDT gossiped over a mesh",
    "pn-counter": "add (either sign), read: a PN-counter CRDT gossiped over a mesh",
    "kafka": "send, poll, commit_offsets, list_committed_offsets: logs on lin-kv by cas",
  ]
}
