import Glibc
import Policy
import Wire

/// One line a node wrote, parsed: what the router needs to route it and the tests to count it.
struct Routed {
  let line: String
  let src: String
  let dest: String
  let body: JSONObject
  /// Seconds since the cluster started, when the router read it.
  let at: Double
  var type: String { body["type"]?.stringValue ?? "" }
  var msgID: Int? { body["msg_id"]?.intValue }
  var inReplyTo: Int? { body["in_reply_to"]?.intValue }
  var isReply: Bool { body["in_reply_to"] != nil }

  init?(_ line: String, at: Double) {
    guard let value = try? JSON.parse(line), let envelope = value.objectValue,
      let src = envelope["src"]?.stringValue, let dest = envelope["dest"]?.stringValue,
      let body = envelope["body"]?.objectValue
    else { return nil }
    (self.line, self.src, self.dest, self.body, self.at) = (line, src, dest, body, at)
  }
}

/// What the router does with one message between nodes: deliver copies after these delays
/// (seconds), none when it is dropped.
struct Verdict {
  var delays: [Double]
  static let drop = Verdict(delays: [])
  static let deliver = Verdict(delays: [0])
}

/// The faults the router injects into node-to-node traffic; client traffic is never touched.
struct Faults {
  /// Probability of dropping a message.
  var drop = 0.0
  /// Probability of delivering a message twice (each copy with its own delay).
  var duplicate = 0.0
  /// Extra delay of each copy, drawn uniformly, in seconds; different delays reorder messages.
  var delay: ClosedRange<Double> = 0...0
  /// A node cut off during a window of seconds since the start: messages to or from it dropped.
  var partition: (node: String, window: Range<Double>)?
  /// A verdict for particular messages, taking precedence over the random faults.
  var rule: ((Routed) -> Verdict?)?
}

/// Several `messenger` processes wired as Maelstrom wires them: each node's stdout lines go to
/// the stdin of the node named in `dest`, through seeded fault injection; lines for clients come
/// back to the test. One poll loop, one thread.
final class Cluster {
  let names: [String]
  var faults: Faults
  private var rng: SplitMix64
  private var nodes: [String: Child] = [:]
  /// Bytes waiting for each node's stdin.
  private var inbox: [String: [UInt8]] = [:]
  /// Copies in flight: due time (seconds since start), order of arrival, destination, line.
  private var inFlight: [(due: Double, seq: Int, dest: String, line: String)] = []
  private var seq = 0
  private let start: Double
  /// Every line a node addressed to a client, in the order read.
  private(set) var clientLines: [Routed] = []
  /// Every node-to-node line, in the order read, before faults.
  private(set) var nodeLines: [Routed] = []
  private(set) var dropped = 0
  private(set) var duplicated = 0

  /// Starts nodes `names` with `args` and sends each its `init`, answered before this returns.
  init(_ names: [String], args: [String], faults: Faults = Faults(), seed: UInt64) {
    self.names = names
    self.faults = faults
    rng = SplitMix64(seed: seed)
    start = Cluster.clock()
    for name in names {
      let child = Child(args)
      child.makeInputNonBlocking()
      nodes[name] = child
      inbox[name] = []
    }
    let ids = names.map { "\"\($0)\"" }.joined(separator: ",")
    for name in names {
      send(
        #"{"src":"c0","dest":"\#(name)","body":{"type":"init","msg_id":1,"node_id":"\#(name)","node_ids":[\#(ids)]}}"#
      )
    }
    let ready = run(within: 20) { self.clientLines.filter { $0.type == "init_ok" }.count == names.count }
    precondition(ready, "the nodes did not answer init: \(stderr(names[0]))")
  }

  /// Seconds on the monotonic clock.
  static func clock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }

  /// Seconds since the cluster started.
  var now: Double { Cluster.clock() - start }

  /// Sends a whole client line (a JSON envelope) to the node in its `dest`, with no faults.
  func send(_ line: String) {
    guard let dest = Routed(line, at: now)?.dest, inbox[dest] != nil else {
      preconditionFailure("not an envelope for a node: \(line)")
    }
    inbox[dest]! += Array((line + "\n").utf8)
  }

  /// The client lines that reply to `msgID`, sent by `client`.
  func replies(to msgID: Int, client: String = "c1") -> [Routed] {
    clientLines.filter { $0.dest == client && $0.inReplyTo == msgID }
  }

  /// Runs the router until `done` holds or `seconds` pass; returns whether `done` held.
  @discardableResult
  func run(within seconds: Double, until done: () -> Bool) -> Bool {
    let end = now + seconds
    while !done() {
      let left = end - now
      if left <= 0 { return false }
      step(maxWait: Swift.min(left, 0.02))
    }
    return true
  }

  /// Runs the router for `seconds`, whatever happens.
  func run(for seconds: Double) { run(within: seconds) { false } }

  /// Stderr of node `name` so far.
  func stderr(_ name: String) -> [String] { nodes[name]!.errLines }

  /// Closes every node's stdin (end of input) while routing, and returns each one's exit status
  /// (nil when it had to be killed after `seconds`).
  func shutdown(within seconds: Double) -> [String: Int32?] {
    run(within: seconds) { self.inbox.values.allSatisfy(\.isEmpty) && self.inFlight.isEmpty }
    for child in nodes.values { child.closeInput() }
    run(within: seconds) { self.nodes.values.allSatisfy(\.hasExited) }
    return nodes.mapValues { $0.finish(within: 1) }
  }

  /// One round: waits up to `maxWait` seconds for output (or the next due copy), reads and routes
  /// it, delivers the copies that are due, and writes what each node's stdin takes.
  private func step(maxWait: Double) {
    var fds: [pollfd] = []
    var owners: [(String, Int32)] = []
    for (name, child) in nodes {
      for fd in child.outputDescriptors {
        fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        owners.append((name, fd))
      }
    }
    var wait = maxWait
    if let due = inFlight.first?.due { wait = Swift.min(wait, Swift.max(0, due - now)) }
    if inbox.values.contains(where: { !$0.isEmpty }) { wait = Swift.min(wait, 0.001) }
    _ = poll(&fds, nfds_t(fds.count), Int32((wait * 1000).rounded(.up)))
    for (i, p) in fds.enumerated() where p.revents != 0 {
      let (name, fd) = owners[i]
      let child = nodes[name]!
      child.readOnce(fd)
      // Every line of a chunk arrived when it was read: parsing them takes time (more in a debug
      // build), which must not show up as a later arrival of the chunk's last lines.
      let readAt = now
      for line in child.takeLines() where !line.isEmpty { route(line, at: readAt) }
    }
    let t = now
    while let first = inFlight.first, first.due <= t {
      inFlight.removeFirst()
      inbox[first.dest]! += Array((first.line + "\n").utf8)
    }
    for (name, child) in nodes where !inbox[name]!.isEmpty {
      let n = child.writeSome(inbox[name]![...])
      inbox[name]!.removeFirst(n)
    }
  }

  private func route(_ line: String, at readAt: Double) {
    guard let msg = Routed(line, at: readAt) else {
      preconditionFailure("a node wrote a line that is not an envelope: \(line)")
    }
    guard nodes[msg.dest] != nil else { return clientLines.append(msg) }
    nodeLines.append(msg)
    let verdict = faults.rule?(msg) ?? randomVerdict(msg)
    if verdict.delays.isEmpty { dropped += 1 }
    duplicated += Swift.max(0, verdict.delays.count - 1)
    for delay in verdict.delays {
      let copy = (due: msg.at + delay, seq: seq, dest: msg.dest, line: line)
      seq += 1
      // Kept sorted by due time, then arrival: a binary search for the first later copy.
      var lo = 0
      var hi = inFlight.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if inFlight[mid].due <= copy.due { lo = mid + 1 } else { hi = mid }
      }
      inFlight.insert(copy, at: lo)
    }
  }

  private func randomVerdict(_ msg: Routed) -> Verdict {
    // The draws happen in the same order whatever the outcome, so a seed fixes the faults.
    let lost = Double.random(in: 0..<1, using: &rng) < faults.drop
    let twice = Double.random(in: 0..<1, using: &rng) < faults.duplicate
    let delays = (0..<2).map { _ in Double.random(in: faults.delay, using: &rng) }
    if let (node, window) = faults.partition, window.contains(msg.at),
      msg.src == node || msg.dest == node
    {
      return .drop
    }
    if lost { return .drop }
    return Verdict(delays: twice ? delays : [delays[0]])
  }
}
