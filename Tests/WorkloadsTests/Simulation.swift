@testable import Workloads

/// A discrete-event run of gossiping nodes without a runtime: client operations, flush timers,
/// gossip, acknowledgements and call timeouts are events on one clock, in milliseconds. A batch
/// is one call: acknowledged if its reply arrives within `callTimeoutMs`, failed otherwise (which
/// stands for the runtime's retries all failing). Messages across a partition are dropped.
struct Simulation<State: Gossiping> {
  enum Event {
    case client(node: String, value: Int)
    case flush(node: String, peer: String)
    case gossip(Batch<State.Delta>, from: String)
    case ack(batchID: Int, node: String, peer: String)
    case timeout(batchID: Int, node: String, peer: String)
  }

  var latencyMs = 100.0
  var callTimeoutMs = 1_000.0
  /// Whether a message from the first node to the second, sent at the time given, is dropped.
  var cut: (String, String, Double) -> Bool = { _, _, _ in false }
  /// What a client operation does on a node's state.
  let operation: (inout State, Int) -> [Flush]
  var nodes: [String: State] = [:]
  var now = 0.0
  var messages = 0
  var operations = 0
  /// Per value of a client operation: when it was made, and when the last node learned of it
  /// (the state's `knows` decides).
  var madeAt: [Int: Double] = [:]
  var lastLearnedAt: [Int: Double] = [:]
  let knows: (State, Int) -> Bool
  /// The values some node does not know yet: the only ones a gossip message can teach.
  private var incomplete: Set<Int> = []
  var rng = TestRandom(seed: 42)
  private var events: [(at: Double, seq: Int, event: Event)] = []
  private var seq = 0

  init(
    nodeCount: Int, make: (String, [String]) -> State, knows: @escaping (State, Int) -> Bool,
    operation: @escaping (inout State, Int) -> [Flush]
  ) {
    let ids = (1...nodeCount).map { "n\($0)" }
    for id in ids { nodes[id] = make(id, ids) }
    self.knows = knows
    self.operation = operation
  }

  /// Client operations spaced uniformly at `perSecond` for `seconds` (and `extraOperations`
  /// counted, such as reads), then every event until none is left.
  mutating func run(seconds: Double, perSecond: Double, extraOperations: Int = 0) {
    let ids = nodes.keys.sorted()
    var t = 0.0
    var value = 0
    while true {
      t += rng.uniform(below: 2000 / perSecond)
      if t > seconds * 1000 { break }
      schedule(.client(node: ids[rng.below(ids.count)], value: value), at: t)
      value += 1
    }
    operations = value + extraOperations
    while let (at, _, event) = events.popLast() {
      now = at
      handle(event)
    }
  }

  var messagesPerOperation: Double { Double(messages) / Double(operations) }

  /// The median and the maximum, over values, of the time until the last node learned of it.
  func visibility() -> (median: Double, max: Double) {
    let spans = madeAt.map { lastLearnedAt[$0.key]! - $0.value }.sorted()
    return (spans[spans.count / 2], spans.last!)
  }

  /// Whether every node knows every value and nobody owes anybody anything.
  var converged: Bool {
    nodes.values.allSatisfy { state in
      state.peers.isQuiet && madeAt.keys.allSatisfy { knows(state, $0) }
    }
  }

  private mutating func handle(_ event: Event) {
    switch event {
    case .client(let node, let value):
      madeAt[value] = now
      lastLearnedAt[value] = now
      incomplete.insert(value)
      arm(operation(&nodes[node]!, value), on: node)
    case .flush(let node, let peer):
      guard let batch = nodes[node]!.peers.takeBatch(for: peer) else { return }
      send(.gossip(batch, from: node), from: node, to: peer)
      schedule(.timeout(batchID: batch.id, node: node, peer: peer), at: now + callTimeoutMs)
    case .gossip(let batch, let from):
      let node = batch.peer
      let before = incomplete.filter { !knows(nodes[node]!, $0) }
      arm(nodes[node]!.receive(batch.delta, from: from), on: node)
      for v in before where knows(nodes[node]!, v) {
        lastLearnedAt[v] = now
        if nodes.values.allSatisfy({ knows($0, v) }) { incomplete.remove(v) }
      }
      send(.ack(batchID: batch.id, node: from, peer: node), from: node, to: from)
    case .ack(let id, let node, let peer):
      if let f = nodes[node]!.peers.acknowledged(id, by: peer) { arm([f], on: node) }
    case .timeout(let id, let node, let peer):
      if let f = nodes[node]!.peers.failed(id, to: peer) { arm([f], on: node) }
    }
  }

  private mutating func send(_ event: Event, from: String, to: String) {
    messages += 1
    if !cut(from, to, now) { schedule(event, at: now + latencyMs) }
  }

  private mutating func arm(_ flushes: [Flush], on node: String) {
    let peerCount = nodes[node]!.peers.count
    for f in flushes {
      let wait: Double
      switch f.delay {
      case .batch: wait = Double(Spread.batchWaitMs(peerCount: peerCount))
      case .backoff(let failures): wait = min(100 * Double(1 << min(failures, 10)), 2_000)
      }
      schedule(.flush(node: node, peer: f.peer), at: now + wait)
    }
  }

  /// Keeps `events` sorted latest first, so the next one is `popLast()`: O(log n) to find the
  /// place, and the insertion is near the end since most events are due soon.
  private mutating func schedule(_ event: Event, at time: Double) {
    seq += 1
    var low = 0
    var high = events.count
    while low < high {
      let mid = (low + high) / 2
      if (events[mid].at, events[mid].seq) > (time, seq) { low = mid + 1 } else { high = mid }
    }
    events.insert((time, seq, event), at: low)
  }
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
