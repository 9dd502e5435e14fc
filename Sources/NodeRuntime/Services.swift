public import Policy

/// How a call to a Maelstrom service failed.
public enum ServiceError: Error, Sendable, Equatable {
  /// Error 20: the key does not exist.
  case keyDoesNotExist
  /// Error 22: a `cas` found another value than its `from`.
  case preconditionFailed
  /// Any other error reply, or a reply that lacks what it should hold (error 12).
  case other(RPCError)
  /// Every attempt timed out or was refused (error 11); the last one for this reason. A write or
  /// `cas` whose attempt timed out may have taken effect all the same.
  case gaveUp(FailureReason)

  /// The error a service call's outcome is, or nil for a reply.
  static func from(_ outcome: CallOutcome) -> ServiceError? {
    switch outcome {
    case .reply: return nil
    case .error(let e, _) where e.code == .keyDoesNotExist: return .keyDoesNotExist
    case .error(let e, _) where e.code == .preconditionFailed: return .preconditionFailed
    case .error(let e, _): return .other(e)
    case .gaveUp(let reason): return .gaveUp(reason)
    case .reaped: return .gaveUp(.timeout)
    }
  }
}

/// A client of one of Maelstrom's key-value services (`lin-kv`, `seq-kv`, `lww-kv`): `read`,
/// `write` and `cas`, each a call that follows `plan`. Errors 20 and 22 come back as
/// `ServiceError.keyDoesNotExist` and `.preconditionFailed`, and are never retried.
public struct KVClient: Sendable {
  /// The service's name, the calls' `dest`.
  public let service: String
  /// How each call retries: by default 5 attempts of 1 s, 20 ms backoff doubling to 500 ms,
  /// retrying error 11 and timeouts only.
  public var plan: RetryPlan

  /// A client of `service` whose calls follow `plan`.
  public init(_ service: String, plan: RetryPlan = KVClient.defaultPlan) {
    self.service = service
    self.plan = plan
  }

  /// The plan calls follow unless told otherwise.
  public static let defaultPlan = RetryPlan(
    attempts: 5, timeout: .milliseconds(1000),
    backoff: Backoff(base: .milliseconds(20), max: .milliseconds(500), jitter: 0.5))

  /// `lin-kv`: linearizable.
  public static let linearizable = KVClient("lin-kv")
  /// `seq-kv`: sequentially consistent (a read may be stale).
  public static let sequential = KVClient("seq-kv")
  /// `lww-kv`: last write wins.
  public static let lastWriteWins = KVClient("lww-kv")

  /// Reads `key`: its value, or `.keyDoesNotExist`.
  public func read(
    _ node: Node, _ key: Value,
    then completion: @escaping (Node, Result<Value, ServiceError>) throws -> Void
  ) throws(RPCError) {
    try node.call(service, "read", ["key": key], plan: plan, kind: "kv-read") { node, r in
      if let e = ServiceError.from(r.outcome) { return try completion(node, .failure(e)) }
      guard let value = r.reply?["value"] else {
        return try completion(node, .failure(.other(r.reply!.malformed("missing field \"value\""))))
      }
      try completion(node, .success(value))
    }
  }

  /// Writes `value` at `key`.
  public func write(
    _ node: Node, _ key: Value, _ value: Value,
    then completion: @escaping (Node, Result<Void, ServiceError>) throws -> Void
  ) throws(RPCError) {
    try node.call(service, "write", ["key": key, "value": value], plan: plan, kind: "kv-write") {
      node, r in
      try completion(node, ServiceError.from(r.outcome).map { .failure($0) } ?? .success(()))
    }
  }

  /// Sets `key` to `to` if it holds `from` (else `.preconditionFailed`); a missing key is
  /// `.keyDoesNotExist`, unless `createIfNotExists`, which creates it with `to`.
  public func cas(
    _ node: Node, _ key: Value, from: Value, to: Value, createIfNotExists: Bool = false,
    then completion: @escaping (Node, Result<Void, ServiceError>) throws -> Void
  ) throws(RPCError) {
    let done: Completion = { node, r in
      try completion(node, ServiceError.from(r.outcome).map { .failure($0) } ?? .success(()))
    }
    if createIfNotExists {
      try node.call(
        service, "cas", ["key": key, "from": from, "to": to, "create_if_not_exists": true],
        plan: plan, kind: "kv-cas", then: done)
    } else {
      try node.call(
        service, "cas", ["key": key, "from": from, "to": to], plan: plan, kind: "kv-cas",
        then: done)
    }
  }
}

/// A client of Maelstrom's `lin-tso`, the timestamp oracle: `ts` gives increasing integers.
public struct TSOClient: Sendable {
  /// The service's name, the calls' `dest`.
  public let service: String
  /// How each call retries (as `KVClient.defaultPlan`).
  public var plan: RetryPlan

  /// A client of `service` (`lin-tso`) whose calls follow `plan`.
  public init(_ service: String = "lin-tso", plan: RetryPlan = KVClient.defaultPlan) {
    self.service = service
    self.plan = plan
  }

  /// A fresh timestamp, greater than every one given before.
  public func ts(
    _ node: Node, then completion: @escaping (Node, Result<Int, ServiceError>) throws -> Void
  ) throws(RPCError) {
    try node.call(service, "ts", plan: plan, kind: "tso-ts") { node, r in
      if let e = ServiceError.from(r.outcome) { return try completion(node, .failure(e)) }
      guard let ts = r.reply?["ts"]?.intValue else {
        return try completion(
          node, .failure(.other(r.reply!.malformed("field \"ts\" must be an integer"))))
      }
      try completion(node, .success(ts))
    }
  }
}
