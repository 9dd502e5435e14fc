import Messenger

/// `kafka`: `send`, `poll`, `commit_offsets`, `list_committed_offsets`, on `lin-kv`. Each key's
/// log is one `lin-kv` value (`log/<key>`, an array of `[msg, token]`), appended to by `cas` from
/// its whole previous value, so offsets are unique, dense and increasing, and every log read is a
/// prefix of every later one; a send is acknowledged only after its `cas` succeeded or its token
/// was read back. A node appends to a key one `cas` at a time, and the sends that arrived
/// meanwhile go together in the next one. Committed offsets (`commit/<key>`) are raised by `cas`
/// and never lowered. See `Append`, `RaiseCommit` and `KafkaLogs`.
public enum Kafka {
  /// Registers the handlers on `node`, once `init` named it.
  public static func install(on node: Node) {
    node.onInit { node in
      let store = KafkaStore(node: node.nodeID)
      node.handle("send") { node, msg in try store.send(msg, on: node) }
      node.handle("poll") { node, msg in try store.poll(msg, on: node) }
      node.handle("commit_offsets") { node, msg in try store.commit(msg, on: node) }
      node.handle("list_committed_offsets") { node, msg in try store.listCommitted(msg, on: node) }
    }
  }

  /// The most messages of one key a `poll` returns.
  static let pollLimit = 100
}

/// A node's view of the logs and the calls that keep it.
final class KafkaStore {
  var logs = KafkaLogs<Value>()
  var tokens: IDs
  let kv = KVClient.linearizable
  /// Per key, the sends that arrived while an append of that key was under way: the next append
  /// takes them all in one `cas`. One append per key at a time means this node's sends never
  /// refuse each other's `cas`.
  var waiting: [String: [(entry: LogEntry<Value>, requester: ReplyAddress)]] = [:]
  /// The keys with an append under way.
  var appending: Set<String> = []
  /// The most sends that may wait on one key; more get error 11.
  static let waitingMax = 1_000

  init(node: String) { tokens = IDs(node: node) }

  func send(_ msg: Message, on node: Node) throws {
    let key = try msg.string("key")
    let entry = LogEntry(try msg.value("msg"), token: tokens.next())
    guard waiting[key, default: []].count < KafkaStore.waitingMax else {
      throw RPCError(.temporarilyUnavailable, "send: too many sends waiting on \"\(key)\"")
    }
    waiting[key, default: []].append((entry, msg.address))
    if !appending.contains(key) { appendWaiting(key, node) }
  }

  /// Starts the append of what waits on `key`, if anything does.
  private func appendWaiting(_ key: String, _ node: Node) {
    guard let batch = waiting.removeValue(forKey: key) else {
      appending.remove(key)
      return
    }
    appending.insert(key)
    var append = Append(batch.map(\.entry))
    step(append.start(cached: logs.log(key)), append, key, batch.map(\.requester), node)
  }

  private func step(
    _ step: KVStep<[LogEntry<Value>]>, _ append: Append<Value>, _ key: String,
    _ requesters: [ReplyAddress], _ node: Node
  ) {
    do {
      switch step {
      case .read:
        try kv.read(node, .string("log/" + key)) { [self] node, result in
          var append = append
          let outcome = KafkaStore.outcome(result) { KafkaStore.decodeLog($0) }
          if case .ok(let log?) = outcome { logs.learn(key, log: log) }
          self.step(append.readEnded(outcome), append, key, requesters, node)
        }
      case .cas(let from, let to):
        let old = from.map(KafkaStore.encodeLog) ?? .null
        try kv.cas(
          node, .string("log/" + key), from: old, to: KafkaStore.encodeLog(to),
          createIfNotExists: true
        ) { [self] node, result in
          var append = append
          if case .success = result { logs.learn(key, log: to) }
          let outcome: KVOutcome<[LogEntry<Value>]> = KafkaStore.outcome(result.map { .null }) {
            _ in nil
          }
          self.step(append.casEnded(outcome), append, key, requesters, node)
        }
      case .done(let first):
        for (i, requester) in requesters.enumerated() {
          node.reply(to: requester, "send_ok", ["offset": .int(first + i)])
        }
        appendWaiting(key, node)
      case .failed(let maybeApplied):
        fail(requesters, key, maybeApplied: maybeApplied, casCount: append.casCount, node)
      }
    } catch {
      // No room for the call: nothing more was sent, but an earlier cas may have landed.
      fail(requesters, key, maybeApplied: append.maybeApplied, casCount: append.casCount, node)
    }
  }

  /// Answers every send of a failed append: error 0 (indefinite) when a `cas` may have landed
  /// unseen, else error 11 (definite: nothing was appended); then starts the next append.
  private func fail(
    _ requesters: [ReplyAddress], _ key: String, maybeApplied: Bool, casCount: Int, _ node: Node
  ) {
    let error = RPCError(
      maybeApplied ? .timeout : .temporarilyUnavailable,
      "send: no append to the log of \"\(key)\" confirmed after \(casCount) cas")
    for requester in requesters { node.replyError(to: requester, error) }
    appendWaiting(key, node)
  }

  func poll(_ msg: Message, on node: Node) throws {
    let offsets = try KafkaStore.offsets(msg)
    let requester = msg.address
    let join = Join(offsets.count) { [self] node, _ in
      var msgs: [(key: String, value: Value)] = []
      for (key, offset) in offsets {
        let got = logs.poll(key, from: offset, limit: Kafka.pollLimit)
        if got.isEmpty { continue }
        msgs.append((key, .array(got.map { [.int($0.offset), $0.msg] })))
      }
      node.reply(to: requester, "poll_ok", ["msgs": .object(msgs)])
    }
    // A log read refreshes the cache; a failed one leaves it, which is still a true prefix.
    for (key, _) in offsets {
      do {
        try kv.read(node, .string("log/" + key)) { [self] node, result in
          if case .success(let v) = result, let log = KafkaStore.decodeLog(v) {
            logs.learn(key, log: log)
          }
          try join.arrive(node)
        }
      } catch {
        try join.arrive(node)
      }
    }
    try join.finishIfDone(node)
  }

  func commit(_ msg: Message, on node: Node) throws {
    let offsets = try KafkaStore.offsets(msg)
    let requester = msg.address
    let join = Join(offsets.count) { node, join in
      if let maybeApplied = join.failure {
        node.replyError(
          to: requester,
          RPCError(
            maybeApplied ? .timeout : .temporarilyUnavailable,
            "commit_offsets: lin-kv stayed out of reach"))
      } else {
        node.reply(to: requester, "commit_offsets_ok")
      }
    }
    for (key, offset) in offsets {
      var raise = RaiseCommit(target: offset)
      do {
        try commitStep(raise.start(cached: logs.committed[key]), raise, key, join, node)
      } catch {
        try join.arrive(node, failed: false)
      }
    }
    try join.finishIfDone(node)
  }

  private func commitStep(
    _ step: KVStep<Int>, _ raise: RaiseCommit, _ key: String, _ join: Join, _ node: Node
  ) throws {
    let kvKey = Value.string("commit/" + key)
    switch step {
    case .read:
      try kv.read(node, kvKey) { [self] node, result in
        var raise = raise
        let outcome = KafkaStore.outcome(result) { $0.intValue }
        if case .ok(let offset?) = outcome { logs.learnCommitted(key, offset) }
        try commitStep(raise.readEnded(outcome), raise, key, join, node)
      }
    case .cas(let from, let to):
      try kv.cas(
        node, kvKey, from: from.map(Value.int) ?? .null, to: .int(to),
        createIfNotExists: true
      ) { [self] node, result in
        var raise = raise
        if case .success = result { logs.learnCommitted(key, to) }
        let outcome: KVOutcome<Int> = KafkaStore.outcome(result.map { .null }) { _ in nil }
        try commitStep(raise.casEnded(outcome), raise, key, join, node)
      }
    case .done(let offset):
      logs.learnCommitted(key, offset)
      try join.arrive(node)
    case .failed(let maybeApplied):
      try join.arrive(node, failed: maybeApplied)
    }
  }

  func listCommitted(_ msg: Message, on node: Node) throws {
    let keys = try msg.strings("keys")
    let requester = msg.address
    let join = Join(keys.count) { [self] node, _ in
      let known = keys.compactMap { k in logs.committed[k].map { (key: k, value: Value.int($0)) } }
      node.reply(to: requester, "list_committed_offsets_ok", ["offsets": .object(known)])
    }
    // A failed read leaves the cached offset, which is never above the one in lin-kv: a client
    // that starts from it polls again what it may have seen, and loses nothing.
    for key in keys {
      do {
        try kv.read(node, .string("commit/" + key)) { [self] node, result in
          if case .success(let v) = result, let offset = v.intValue {
            logs.learnCommitted(key, offset)
          }
          try join.arrive(node)
        }
      } catch {
        try join.arrive(node)
      }
    }
    try join.finishIfDone(node)
  }
}
