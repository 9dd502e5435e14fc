/// What a node still owes a peer, in a form that merges: the values a peer lacks (broadcast,
/// g-set) or the counter entries it has not acknowledged (g-counter, pn-counter).
public protocol GossipDelta: Sendable {
  /// Nothing to send.
  static var empty: Self { get }
  /// Whether there is nothing to send.
  var isEmpty: Bool { get }
  /// Adds what `other` holds; merging the same delta twice changes nothing more.
  mutating func merge(_ other: Self)
  /// Removes and returns at most `limit` items, so that one message stays bounded.
  mutating func take(limit: Int) -> Self
}

/// How long a peer's flush timer waits before its batch goes out.
public enum FlushDelay: Equatable, Sendable {
  /// The short batching wait: news gathers for a moment and leaves in one message.
  case batch
  /// After `failures` calls in a row failed: the glue turns this into a backoff delay.
  case backoff(failures: Int)
}

/// A flush timer to arm: for `peer`, after `delay`.
public struct Flush: Equatable, Sendable {
  /// The peer whose queue is flushed.
  public var peer: String
  /// How long to wait.
  public var delay: FlushDelay
}

/// A batch on its way to a peer: an id (never reused) and what it carries.
public struct Batch<Delta: GossipDelta>: Sendable {
  /// The batch's number, unique on this node.
  public var id: Int
  /// The peer it goes to.
  public var peer: String
  /// What it carries.
  public var delta: Delta
}

/// Per peer: what it still lacks, the batches in flight to it, and whether a flush is armed.
/// Pure: it decides what to send and when to arm a timer; the glue sends and arms.
///
/// A value leaves `unsent` only in a batch, and comes back into it if that batch fails, so
/// nothing a peer has not acknowledged is ever forgotten; an armed flush is never armed twice,
/// and a node with nothing unsent and nothing in flight has nothing armed.
public struct GossipPeers<Delta: GossipDelta>: Sendable {
  struct Link: Sendable {
    var unsent = Delta.empty
    var inFlight: [Int: Delta] = [:]
    var armed = false
    var failures = 0
  }

  var links: [String: Link]
  var nextBatch = 1
  /// The peers, in order.
  public let peers: [String]
  /// The most batches in flight to one peer at once.
  public let inFlightMax: Int
  /// The most items in one batch.
  public let batchMax: Int

  /// Links to `peers`, none owed anything yet.
  public init(_ peers: [String], inFlightMax: Int = 4, batchMax: Int = 1_000) {
    precondition(inFlightMax > 0 && batchMax > 0, "limits must be positive")
    self.peers = peers.sorted()
    links = Dictionary(uniqueKeysWithValues: peers.map { ($0, Link()) })
    self.inFlightMax = inFlightMax
    self.batchMax = batchMax
  }

  /// The number of peers.
  public var count: Int { peers.count }

  /// Whether every peer has acknowledged everything: then no timer need be armed.
  public var isQuiet: Bool {
    links.values.allSatisfy { $0.unsent.isEmpty && $0.inFlight.isEmpty }
  }

  /// What `peer` has not been sent yet (not counting batches in flight).
  public func unsent(to peer: String) -> Delta { links[peer]?.unsent ?? .empty }

  /// The number of batches in flight to `peer`.
  public func inFlight(to peer: String) -> Int { links[peer]?.inFlight.count ?? 0 }

  /// Owes `delta` to `peer`; returns the flush to arm, or nil when one is armed already (or
  /// `peer` is not a neighbor, or `delta` is empty).
  public mutating func enqueue(_ delta: Delta, for peer: String) -> Flush? {
    guard !delta.isEmpty, links[peer] != nil else { return nil }
    links[peer]!.unsent.merge(delta)
    return arm(peer)
  }

  /// The batch to send now that `peer`'s flush timer fired, or nil: nothing is owed, or the
  /// peer has `inFlightMax` batches under way (an acknowledgement re-arms the flush).
  public mutating func takeBatch(for peer: String) -> Batch<Delta>? {
    guard var link = links[peer] else { return nil }
    link.armed = false
    defer { links[peer] = link }
    guard !link.unsent.isEmpty, link.inFlight.count < inFlightMax else { return nil }
    let delta = link.unsent.take(limit: batchMax)
    let batch = Batch(id: nextBatch, peer: peer, delta: delta)
    nextBatch += 1
    link.inFlight[batch.id] = delta
    return batch
  }

  /// `peer` acknowledged batch `id`: it is forgotten; returns the flush to arm if more is owed.
  public mutating func acknowledged(_ id: Int, by peer: String) -> Flush? {
    guard links[peer]?.inFlight.removeValue(forKey: id) != nil else { return nil }
    links[peer]!.failures = 0
    return arm(peer)
  }

  /// Batch `id` to `peer` failed (its call timed out or gave up): what it carried is owed again,
  /// and the flush waits a backoff that grows with the failures in a row.
  public mutating func failed(_ id: Int, to peer: String) -> Flush? {
    guard let delta = links[peer]?.inFlight.removeValue(forKey: id) else { return nil }
    links[peer]!.unsent.merge(delta)
    links[peer]!.failures += 1
    return arm(peer)
  }

  /// Arms `peer`'s flush unless it is armed or nothing is owed.
  private mutating func arm(_ peer: String) -> Flush? {
    guard let link = links[peer], !link.armed, !link.unsent.isEmpty else { return nil }
    links[peer]!.armed = true
    return Flush(peer: peer, delay: link.failures == 0 ? .batch : .backoff(failures: link.failures))
  }
}

/// A workload's state that spreads by gossip: the queues of what each peer is owed, and what a
/// delta from a peer does here. Broadcast, g-set and the counters share one runtime glue on it.
public protocol Gossiping {
  /// What one gossip message carries.
  associatedtype Delta: GossipDelta
  /// What each peer is owed.
  var peers: GossipPeers<Delta> { get set }
  /// Merges `delta`, which `peer` sent; returns the flushes to arm for news to pass on.
  mutating func receive(_ delta: Delta, from peer: String) -> [Flush]
}
