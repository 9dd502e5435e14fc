/// Counter entries by node: each node's running total of increments and of decrements. Both
/// only grow, so merging takes the larger of each entry and any order of merges agrees.
public struct Entries: GossipDelta, Equatable {
  /// Per node, the sum of its positive deltas.
  public var increments: [String: Int] = [:]
  /// Per node, the sum of the magnitudes of its negative deltas.
  public var decrements: [String: Int] = [:]

  /// No entries.
  public static var empty: Entries { Entries() }

  /// Entries from the two tables.
  public init(increments: [String: Int] = [:], decrements: [String: Int] = [:]) {
    self.increments = increments
    self.decrements = decrements
  }

  /// Whether there are none.
  public var isEmpty: Bool { increments.isEmpty && decrements.isEmpty }

  /// The larger of each entry.
  public mutating func merge(_ other: Entries) {
    increments.merge(other.increments, uniquingKeysWith: max)
    decrements.merge(other.decrements, uniquingKeysWith: max)
  }

  /// All of them: a node's entries number at most the nodes, so one message holds them.
  public mutating func take(limit: Int) -> Entries {
    defer { self = Entries() }
    return self
  }

  /// Increments minus decrements; wraps rather than traps, since peers' totals are not ours to
  /// refuse (a node refuses its own overflow in `add`).
  public var total: Int {
    var sum = 0
    for v in increments.values { sum &+= v }
    for v in decrements.values { sum &-= v }
    return sum
  }
}

/// A PN-counter spread by gossip (a G-counter is one whose deltas are never negative): each node
/// owns its own entries and sends them to every other node whenever they change.
public struct Counter: Sendable {
  /// This node's id.
  public let me: String
  /// Every node's entries as known here.
  public private(set) var entries = Entries()
  /// What each peer is owed.
  public var peers: GossipPeers<Entries>

  /// The counter on node `me` among `nodeIDs`, talking to every other node.
  public init(me: String, nodeIDs: [String]) {
    self.me = me
    peers = GossipPeers(Spread.mesh.neighbors(of: me, among: nodeIDs).peers)
  }

  /// The counter's value as known here.
  public var value: Int { entries.total }

  /// Adds `delta` to this node's entries; returns the flushes to arm, or nil when the node's
  /// total would overflow (the request is refused, nothing changes).
  public mutating func add(_ delta: Int) -> [Flush]? {
    guard delta != 0 else { return [] }
    guard delta != .min, !value.addingReportingOverflow(delta).overflow else { return nil }
    let table = delta > 0 ? \Entries.increments : \Entries.decrements
    let (sum, over) = entries[keyPath: table][me, default: 0].addingReportingOverflow(abs(delta))
    guard !over else { return nil }
    entries[keyPath: table][me] = sum
    let own = Entries(
      increments: entries.increments.filter { $0.key == me },
      decrements: entries.decrements.filter { $0.key == me })
    return peers.peers.compactMap { peers.enqueue(own, for: $0) }
  }

  /// Merges entries a peer sent; nothing is passed on, since each origin reaches every node.
  public mutating func merge(_ received: Entries) {
    entries.merge(received)
  }
}

extension Counter: Gossiping {
  /// Merges the entries a peer sent; nothing to pass on.
  public mutating func receive(_ delta: Entries, from peer: String) -> [Flush] {
    merge(delta)
    return []
  }
}
