/// A grow-only set spread by gossip: the state behind `broadcast` and `g-set`. Pure: it says
/// which flush timers to arm and what each batch carries; the glue sends and arms.
public struct GrowSet<Value: Hashable & Sendable>: Sendable {
  /// Every value known here, in the order it arrived.
  public private(set) var known = Values<Value>()
  /// What each neighbor is owed.
  public var peers: GossipPeers<Values<Value>>
  /// Whether values learned from a neighbor are passed on to the other neighbors.
  public let forwards: Bool

  /// The set on node `me` among `nodeIDs`, gossiping along `spread`.
  public init(me: String, nodeIDs: [String], spread: Spread) {
    let (peers, forwards) = spread.neighbors(of: me, among: nodeIDs)
    self.peers = GossipPeers(peers)
    self.forwards = forwards
  }

  /// Adds `values`, from a neighbor (`source`) or a client (nil); returns the flushes to arm.
  /// Only values new here are queued, and never back to the neighbor that sent them.
  public mutating func add(_ values: some Sequence<Value>, from source: String? = nil) -> [Flush] {
    var fresh = Values<Value>()
    for v in values where known.insert(v) { fresh.insert(v) }
    guard !fresh.isEmpty, source == nil || forwards else { return [] }
    return peers.peers.compactMap { peer in
      peer == source ? nil : peers.enqueue(fresh, for: peer)
    }
  }
}

extension GrowSet: Gossiping {
  /// Adds the values a neighbor sent.
  public mutating func receive(_ delta: Values<Value>, from peer: String) -> [Flush] {
    add(delta.items, from: peer)
  }
}
