/// One entry of a key's log as stored in `lin-kv`: the message and the token of the send that
/// appended it, so that a send whose `cas` timed out can find out whether it landed.
public struct LogEntry<Msg: Hashable & Sendable>: Hashable, Sendable {
  /// The client's message.
  public var msg: Msg
  /// Unique per send on the whole cluster: the node's id and a counter.
  public var token: String

  /// An entry of `msg` appended by the send `token`.
  public init(_ msg: Msg, token: String) {
    self.msg = msg
    self.token = token
  }
}

/// What a node has seen of the logs and committed offsets in `lin-kv`. Each key's log is one
/// `lin-kv` value, an array whose index is the offset, appended to only by `cas` from its whole
/// previous value: so offsets are unique and dense, and any log read is a prefix of every later
/// one. The cache keeps the longest seen, which is therefore always a true prefix.
public struct KafkaLogs<Msg: Hashable & Sendable>: Sendable {
  /// Per key, the longest prefix of its log seen here.
  public private(set) var logs: [String: [LogEntry<Msg>]] = [:]
  /// Per key, the highest committed offset seen here (committed offsets only grow).
  public private(set) var committed: [String: Int] = [:]

  /// No logs seen yet.
  public init() {}

  /// The cached log of `key` (empty when none seen).
  public func log(_ key: String) -> [LogEntry<Msg>] { logs[key] ?? [] }

  /// Keeps `log` for `key` if it is longer than the cached one.
  public mutating func learn(_ key: String, log: [LogEntry<Msg>]) {
    if log.count > (logs[key]?.count ?? 0) { logs[key] = log }
  }

  /// Keeps `offset` as `key`'s committed offset if it is higher than the cached one.
  public mutating func learnCommitted(_ key: String, _ offset: Int) {
    committed[key] = max(committed[key] ?? offset, offset)
  }

  /// The messages of `key` from `offset` on, at most `limit` of them, as `[offset, msg]` pairs:
  /// contiguous, starting at `offset` exactly, empty when the log is not that long yet.
  public func poll(_ key: String, from offset: Int, limit: Int) -> [(offset: Int, msg: Msg)] {
    let log = self.log(key)
    guard offset >= 0, offset < log.count else { return [] }
    let end = min(log.count, offset + limit)
    return (offset..<end).map { ($0, log[$0].msg) }
  }
}
