import Testing

@testable import Workloads

/// The broadcast design on simulated time, without a runtime: 25 nodes on a star, 100 ms
/// latency each way, 100 operations a second (half of them broadcasts) for 20 s. It checks the
/// targets Maelstrom's challenge sets: fewer than 20 messages between nodes per operation, and a
/// value on every node within a median of 400 ms and a maximum of 600 ms.
@Suite struct BroadcastSimulationTests {
  @Test func aStarMeetsTheMessageAndLatencyTargetsAtOnce() {
    var sim = Simulation(nodeCount: 25, latencyMs: 100)
    sim.run(seconds: 20, broadcastsPerSecond: 50, readsPerSecond: 50)
    let (median, max) = sim.visibility()
    #expect(sim.messagesPerOperation < 20)
    #expect(median < 400)
    #expect(max < 600)
    #expect(sim.everyNodeHasEveryValue)
    #expect(sim.isQuiet)
    print(
      "broadcast simulation: \(sim.messages) messages for \(sim.operations) operations,"
        + " visibility median \(median) ms max \(max) ms")
  }
}

/// A discrete-event run of `GrowSet` nodes: timers, message deliveries and acknowledgements are
/// events on one clock, in milliseconds.
struct Simulation {
  enum Event {
    case broadcast(node: String, value: Int)
    case flush(node: String, peer: String)
    case gossip(Batch<Values<Int>>, from: String)
    case ack(batchID: Int, node: String, peer: String)
  }

  let latencyMs: Double
  var nodes: [String: GrowSet<Int>] = [:]
  var events: [(at: Double, seq: Int, event: Event)] = []
  var seq = 0
  var now = 0.0
  var messages = 0
  var operations = 0
  var sentAt: [Int: Double] = [:]
  var lastSeenAt: [Int: Double] = [:]
  var rng = TestRandom(seed: 42)

  init(nodeCount: Int, latencyMs: Double) {
    self.latencyMs = latencyMs
    let ids = (1...nodeCount).map { "n\($0)" }
    for id in ids { nodes[id] = GrowSet(me: id, nodeIDs: ids, spread: .star) }
  }

  /// Keeps `events` sorted latest first, so the next one is `popLast()`: O(log n) to find the
  /// place, and the insertion is near the end since most events are due soon.
  mutating func schedule(_ event: Event, at time: Double) {
    seq += 1
    var low = 0
    var high = events.count
    while low < high {
      let mid = (low + high) / 2
      if (events[mid].at, events[mid].seq) > (time, seq) { low = mid + 1 } else { high = mid }
    }
    events.insert((time, seq, event), at: low)
  }

  mutating func arm(_ flushes: [Flush], on node: String) {
    let wait = Double(Spread.batchWaitMs(peerCount: nodes[node]!.peers.peers.count))
    for f in flushes { schedule(.flush(node: node, peer: f.peer), at: now + wait) }
  }

  mutating func run(seconds: Double, broadcastsPerSecond: Double, readsPerSecond: Double) {
    let ids = nodes.keys.sorted()
    var t = 0.0
    var value = 0
    while true {
      t += rng.uniform(below: 2000 / broadcastsPerSecond)
      if t > seconds * 1000 { break }
      schedule(.broadcast(node: ids[rng.below(ids.count)], value: value), at: t)
      value += 1
    }
    operations = value + Int(seconds * readsPerSecond)
    while let (at, _, event) = events.popLast() {
      now = at
      handle(event)
    }
  }

  mutating func handle(_ event: Event) {
    switch event {
    case .broadcast(let node, let value):
      sentAt[value] = now
      lastSeenAt[value] = now
      arm(nodes[node]!.add([value]), on: node)
    case .flush(let node, let peer):
      guard let batch = nodes[node]!.peers.takeBatch(for: peer) else { return }
      messages += 1
      schedule(.gossip(batch, from: node), at: now + latencyMs)
    case .gossip(let batch, let from):
      let node = batch.peer
      for v in batch.delta.items where !nodes[node]!.known.contains(v) { lastSeenAt[v] = now }
      arm(nodes[node]!.add(batch.delta.items, from: from), on: node)
      messages += 1
      schedule(.ack(batchID: batch.id, node: from, peer: node), at: now + latencyMs)
    case .ack(let id, let node, let peer):
      if let f = nodes[node]!.peers.acknowledged(id, by: peer) { arm([f], on: node) }
    }
  }

  var messagesPerOperation: Double { Double(messages) / Double(operations) }

  /// The median and the maximum, over values, of the time until the last node had it.
  func visibility() -> (median: Double, max: Double) {
    let spans = sentAt.map { lastSeenAt[$0.key]! - $0.value }.sorted()
    return (spans[spans.count / 2], spans.last!)
  }

  var everyNodeHasEveryValue: Bool {
    nodes.values.allSatisfy { $0.known.items.count == sentAt.count }
  }

  var isQuiet: Bool { nodes.values.allSatisfy { $0.peers.isQuiet } }
}

/// SplitMix64, for a seeded simulation.
struct TestRandom {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  /// Uniform in [0, limit), as Jepsen's `stagger` spaces operations.
  mutating func uniform(below limit: Double) -> Double {
    Double(next() >> 11) / Double(1 << 53) * limit
  }
}
