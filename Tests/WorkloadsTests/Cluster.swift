import Harness
import Messenger
import Workloads

/// A few nodes of one workload, each in a `Harness`, on one virtual clock: what a node writes
/// reaches its `dest` `latency` later, unless a partition separates the two nodes (dropped on
/// receipt, as Maelstrom does). `lin-kv` is served here, linearizably, and may lose a share of
/// its replies (after applying the operation) to exercise unknown outcomes. Clients are `c1`...
final class Cluster {
  let ids: [String]
  private(set) var nodes: [String: Harness] = [:]
  var latency = Interval.milliseconds(10)
  /// The side of each node while a partition lasts; nil: none.
  var sides: [String: Int]?
  /// The share of `lin-kv` replies lost.
  var kvReplyLoss = 0.0
  /// The share of `lin-kv` requests refused with error 11, not applied.
  var kvRefusal = 0.0
  /// Messages sent from one node to another.
  private(set) var serverMessages = 0
  /// Replies to clients, by `in_reply_to`.
  private(set) var replies: [Int: Value] = [:]
  private var kv: [Value: Value] = [:]
  private var inFlight: [(at: Instant, seq: Int, dest: String, line: String)] = []
  private var seq = 0
  private var lastMsgID = 0
  private var rng = SplitMix64(seed: 11)
  private(set) var now = Instant.zero

  init(_ workload: String, nodes count: Int) {
    ids = (1...count).map { "n\($0)" }
    let setup = Workloads.all[workload]!
    for id in ids {
      var config = Harness.defaultConfig
      config.logLevel = .debug
      let h = Harness(config: config, setup: setup)
      h.initialize(id, ids)
      nodes[id] = h
    }
  }

  /// Sends a request of `type` with `fields` from a client to `node`; returns its `msg_id`.
  @discardableResult
  func request(_ node: String, _ type: String, _ fields: [(key: String, value: Value)] = [])
    -> Int
  {
    lastMsgID += 1
    let body = Value.object([("type", .string(type)), ("msg_id", .int(lastMsgID))] + fields)
    deliver(#"{"src": "c1", "dest": "\#(node)", "body": \#(body)}"#, to: node)
    return lastMsgID
  }

  /// The reply to the request `msgID`, once it came.
  func reply(_ msgID: Int) -> Value? { replies[msgID] }

  /// Runs every node, message and timer for `ms` of virtual time.
  func run(ms: Double) {
    let end = now + Interval(nanoseconds: Int64(ms * 1_000_000))
    while true {
      let deadlines = nodes.values.compactMap { $0.runtime.nextDeadline }
      guard let next = (deadlines + [inFlight.last?.at].compactMap { $0 }).min(), next <= end
      else { break }
      now = next
      for h in nodes.values { h.advance(to: now) }
      route()
      while let m = inFlight.last, m.at <= now {
        inFlight.removeLast()
        deliver(m.line, to: m.dest)
      }
    }
    now = end
    for h in nodes.values { h.advance(to: now) }
    route()
  }

  /// Whether no node has a timer armed: all gossip acknowledged, no call under way.
  var isQuiet: Bool { nodes.values.allSatisfy { $0.runtime.nextDeadline == nil } }

  /// Every log line of every node.
  var logs: [String] { ids.flatMap { nodes[$0]!.logs } }

  private func deliver(_ line: String, to dest: String) {
    nodes[dest]!.send(line)
    route()
  }

  /// Takes what every node wrote and sends it on its way.
  private func route() {
    var moved = true
    while moved {
      moved = false
      for id in ids {
        for line in nodes[id]!.take() {
          moved = true
          let msg = Value(parsing: line)!
          let dest = msg["dest"]!.stringValue!
          if dest == "lin-kv" {
            serveKV(msg)
          } else if nodes[dest] != nil {
            serverMessages += 1
            let cut = sides.map { $0[id] != $0[dest] } ?? false
            if !cut { schedule(line, to: dest) }
          } else if let id = msg["body"]?["in_reply_to"]?.intValue {
            replies[id] = msg["body"]
          }
        }
      }
    }
  }

  private func schedule(_ line: String, to dest: String) {
    seq += 1
    let at = now + latency
    // Sorted latest first; same time: first sent, first delivered.
    let i = inFlight.firstIndex { ($0.at, $0.seq) < (at, seq) } ?? inFlight.endIndex
    inFlight.insert((at, seq, dest, line), at: i)
  }

  /// Applies a `lin-kv` request now and sends its reply, unless the reply is lost.
  private func serveKV(_ msg: Value) {
    let body = msg["body"]!
    let key = body["key"]!
    var reply: [(key: String, value: Value)]
    switch chance(kvRefusal) ? "refuse" : body["type"]!.stringValue! {
    case "refuse":
      reply = [("type", "error"), ("code", 11), ("text", "temporarily unavailable")]
    case "read":
      reply = kv[key].map { [("type", "read_ok"), ("value", $0)] } ?? notFound
    case "write":
      kv[key] = body["value"]!
      reply = [("type", "write_ok")]
    default:  // cas
      if let current = kv[key] {
        if current == body["from"]! {
          kv[key] = body["to"]!
          reply = [("type", "cas_ok")]
        } else {
          reply = [("type", "error"), ("code", 22), ("text", "precondition failed")]
        }
      } else if body["create_if_not_exists"]?.boolValue == true {
        kv[key] = body["to"]!
        reply = [("type", "cas_ok")]
      } else {
        reply = notFound
      }
    }
    if chance(kvReplyLoss) { return }
    reply.append(("in_reply_to", body["msg_id"]!))
    let src = msg["src"]!.stringValue!
    schedule(#"{"src": "lin-kv", "dest": "\#(src)", "body": \#(Value.object(reply))}"#, to: src)
  }

  private func chance(_ share: Double) -> Bool { Double(rng.next() % 1000) < share * 1000 }

  private var notFound: [(key: String, value: Value)] {
    [("type", "error"), ("code", 20), ("text", "key does not exist")]
  }

  /// The value a key holds in `lin-kv`.
  func kvValue(_ key: String) -> Value? { kv[.string(key)] }
}
