import Messenger

/// Runs a `Gossiping` state on a node: a one-shot flush timer per peer armed only when there is
/// news for it, each batch one `gossip` call (`kind=gossip`, retried with backoff, bounded by its
/// plan) whose reply is the acknowledgement, and what a failed call carried owed again after a
/// backoff that grows per peer. With every peer caught up, nothing is armed.
final class GossipRunner<State: Gossiping> {
  /// The workload's state.
  var state: State
  /// The `gossip` body's field that holds a delta.
  let field: String
  let encode: (State.Delta) -> Value
  let decode: (Message) throws(RPCError) -> State.Delta

  /// Each batch: 3 attempts of 500 ms (a round trip is 200 ms at Maelstrom's 100 ms latency),
  /// 50 ms then 100 ms apart, retrying error 11 (a peer not yet initialized says so).
  static var plan: RetryPlan {
    RetryPlan(
      attempts: 3, timeout: .milliseconds(500),
      backoff: Backoff(base: .milliseconds(50), max: .milliseconds(400), jitter: 0.5))
  }

  /// Between calls to a peer after its last call failed: 250 ms doubling to 2 s, so a healed
  /// partition is crossed within about 2 s and a long one costs a call every 2 s per peer.
  static var peerBackoff: Backoff {
    Backoff(base: .milliseconds(250), max: .milliseconds(2_000), jitter: 0.5)
  }

  init(
    _ state: State, field: String, encode: @escaping (State.Delta) -> Value,
    decode: @escaping (Message) throws(RPCError) -> State.Delta
  ) {
    self.state = state
    self.field = field
    self.encode = encode
    self.decode = decode
  }

  /// Registers `gossip`: merge what a peer sent, arm flushes for news to pass on, acknowledge.
  func install(on node: Node) {
    node.handle("gossip") { [self] node, msg in
      let delta = try decode(msg)
      arm(state.receive(delta, from: msg.src), on: node)
      node.reply(to: msg, "gossip_ok")
    }
  }

  /// Arms a one-shot timer for each of `flushes`.
  func arm(_ flushes: [Flush], on node: Node) {
    for f in flushes {
      let wait: Interval
      switch f.delay {
      case .batch: wait = .milliseconds(Int64(Spread.batchWaitMs(peerCount: state.peers.count)))
      case .backoff(let failures):
        wait = Self.peerBackoff.delay(attempt: failures - 1, using: &node.rng)
      }
      node.after(wait) { [self] node in flush(f.peer, on: node) }
    }
  }

  private func flush(_ peer: String, on node: Node) {
    guard let batch = state.peers.takeBatch(for: peer) else { return }
    do {
      try node.call(peer, "gossip", [field: encode(batch.delta)], plan: Self.plan, kind: "gossip") {
        [self] node, result in
        if case .reply = result.outcome {
          arm(state.peers.acknowledged(batch.id, by: peer).map { [$0] } ?? [], on: node)
          return
        }
        if case .error(let e, _) = result.outcome {
          node.log(.warn, "gossip refused", "peer=\(peer) code=\(e.code.rawValue) text=\(e.text)")
        }
        arm(state.peers.failed(batch.id, to: peer).map { [$0] } ?? [], on: node)
      }
    } catch {
      // No room for another call (error 11): the batch is owed again, after a backoff.
      arm(state.peers.failed(batch.id, to: peer).map { [$0] } ?? [], on: node)
    }
  }
}
