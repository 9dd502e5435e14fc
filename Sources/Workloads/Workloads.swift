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
}
