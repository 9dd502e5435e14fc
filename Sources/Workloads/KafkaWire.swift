import Messenger

extension KafkaStore {
  /// A service call's result as the kafka steps see it; `decode` turns a read's value into what
  /// the step wants (nil: unreadable, counted as unknown).
  static func outcome<T>(
    _ result: Result<Value, ServiceError>, decode: (Value) -> T?
  ) -> KVOutcome<T> {
    switch result {
    case .success(let v):
      if v.isNull { return .ok(nil) }
      return decode(v).map { .ok($0) } ?? .unknown
    case .failure(.keyDoesNotExist): return .absent
    case .failure(.preconditionFailed): return .refused
    case .failure: return .unknown
    }
  }

  /// A log as `lin-kv` holds it: `[[msg, token], ...]`.
  static func encodeLog(_ log: [LogEntry<Value>]) -> Value {
    .array(log.map { [$0.msg, .string($0.token)] })
  }

  /// The log in `value`, or nil when it is not one.
  static func decodeLog(_ value: Value) -> [LogEntry<Value>]? {
    guard let items = value.arrayValue else { return nil }
    var log: [LogEntry<Value>] = []
    log.reserveCapacity(items.count)
    for item in items {
      guard let pair = item.arrayValue, pair.count == 2, let token = pair[1].stringValue else {
        return nil
      }
      log.append(LogEntry(pair[0], token: token))
    }
    return log
  }

  /// The `offsets` field of `msg`: keys to integer offsets.
  static func offsets(_ msg: Message) throws(RPCError) -> [(key: String, offset: Int)] {
    let problem = msg.malformed("field \"offsets\" must map keys to integer offsets")
    guard let fields = try msg.object("offsets").fields else { throw problem }
    var out: [(key: String, offset: Int)] = []
    for (key, value) in fields {
      guard let offset = value.intValue else { throw problem }
      out.append((key, offset))
    }
    return out
  }
}

/// Waits for `count` arrivals (calls that ended), then runs `done` once; remembers whether any
/// failed, and whether a failed one may have taken effect.
final class Join {
  private var left: Int
  private var ran = false
  /// Nil while nothing failed; else whether some failed call may have taken effect.
  private(set) var failure: Bool?
  private let done: (Node, Join) throws -> Void

  init(_ count: Int, done: @escaping (Node, Join) throws -> Void) {
    left = count
    self.done = done
  }

  /// One call ended (`failed`: it failed, and may or may not have taken effect).
  func arrive(_ node: Node, failed: Bool? = nil) throws {
    if let failed { failure = (failure ?? false) || failed }
    left -= 1
    try finishIfDone(node)
  }

  /// Runs `done` if nothing is left to wait for and it has not run: call it once every call has
  /// been started, for the case of none.
  func finishIfDone(_ node: Node) throws {
    guard left == 0, !ran else { return }
    ran = true
    try done(node, self)
  }
}
