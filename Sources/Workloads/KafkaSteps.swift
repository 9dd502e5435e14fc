/// How a call to `lin-kv` ended, as the kafka steps need it.
public enum KVOutcome<Value: Sendable>: Sendable {
  /// `read_ok` (with the value) or `cas_ok` (with nil).
  case ok(Value?)
  /// Error 20: the key does not exist.
  case absent
  /// Error 22: `cas` found another value.
  case refused
  /// Timed out, gave up or another error: the operation may or may not have happened.
  case unknown
}

/// The next thing an append or a commit does.
public enum KVStep<Value: Sendable>: Sendable {
  /// Read the key.
  case read
  /// `cas` from `from` (nil: the key is absent, so create it) to `to`.
  case cas(from: Value?, to: Value)
  /// Finished: for an append, the offset the message got; for a commit, the offset in place.
  case done(Int)
  /// Out of attempts; `maybeApplied` when a `cas` may have landed unseen (an indefinite error).
  case failed(maybeApplied: Bool)
}

extension KVStep: Equatable where Value: Equatable {}

/// The sends of one key waiting at a node, appended together: one `cas` from the log as last
/// seen adds them all, re-reading on a refusal or an unknown outcome and looking for the first
/// one's token, so a `cas` that landed but whose reply was lost is found and never applied
/// twice. Pure: the glue makes the calls.
public struct Append<Msg: Hashable & Sendable>: Sendable {
  /// The entries to append, in order.
  public let entries: [LogEntry<Msg>]
  /// How many `cas` attempts it may make.
  public let casMax: Int
  /// The `cas` attempts made so far.
  public private(set) var casCount = 0
  /// Whether a `cas` may have landed unseen (its outcome was unknown).
  public private(set) var maybeApplied = false
  private var from: [LogEntry<Msg>] = []
  private var readsLeft: Int

  /// An append of `entries` (at least one), with at most `casMax` attempts at `cas` and as many
  /// reads.
  public init(_ entries: [LogEntry<Msg>], casMax: Int = 8) {
    precondition(!entries.isEmpty, "an append has something to append")
    precondition(casMax > 0, "an append needs at least one cas")
    self.entries = entries
    self.casMax = casMax
    readsLeft = casMax
  }

  /// An append of one entry.
  public init(_ entry: LogEntry<Msg>, casMax: Int = 8) { self.init([entry], casMax: casMax) }

  /// The first step: `cas` from the cached log.
  public mutating func start(cached: [LogEntry<Msg>]) -> KVStep<[LogEntry<Msg>]> { cas(cached) }

  /// The step after a `cas` ended with `outcome`; `.done` gives the first entry's offset.
  public mutating func casEnded(_ outcome: KVOutcome<[LogEntry<Msg>]>) -> KVStep<[LogEntry<Msg>]> {
    switch outcome {
    case .ok: return .done(from.count)
    case .refused, .absent: return read()
    case .unknown:
      maybeApplied = true
      return read()
    }
  }

  /// The step after a read ended with `outcome`; a log read is also worth caching.
  public mutating func readEnded(_ outcome: KVOutcome<[LogEntry<Msg>]>) -> KVStep<[LogEntry<Msg>]> {
    let log: [LogEntry<Msg>]
    switch outcome {
    case .ok(let value): log = value ?? []
    case .absent: log = []
    case .refused, .unknown: return read()
    }
    // One cas appends all the entries, so the first one's place gives every offset.
    let token = entries[0].token
    if let offset = log.firstIndex(where: { $0.token == token }) { return .done(offset) }
    return casCount < casMax ? cas(log) : .failed(maybeApplied: maybeApplied)
  }

  private mutating func cas(_ log: [LogEntry<Msg>]) -> KVStep<[LogEntry<Msg>]> {
    casCount += 1
    from = log
    return .cas(from: log.isEmpty ? nil : log, to: log + entries)
  }

  private mutating func read() -> KVStep<[LogEntry<Msg>]> {
    guard readsLeft > 0 else { return .failed(maybeApplied: maybeApplied) }
    readsLeft -= 1
    return .read
  }
}

/// A `commit_offsets` for one key: raises the key's committed offset in `lin-kv` to at least
/// `target` by `cas`, and never lowers it (a lower or equal offset in place is already done).
public struct RaiseCommit: Sendable {
  /// The offset to commit.
  public let target: Int
  private var attemptsLeft: Int
  private var maybeApplied = false

  /// A commit of `target`, with at most `attempts` calls.
  public init(target: Int, attempts: Int = 8) {
    self.target = target
    attemptsLeft = attempts
  }

  /// The first step, from the committed offset cached here (nil: none seen).
  public mutating func start(cached: Int?) -> KVStep<Int> { decide(cached) }

  /// The step after a `cas` ended with `outcome`.
  public mutating func casEnded(_ outcome: KVOutcome<Int>) -> KVStep<Int> {
    switch outcome {
    case .ok: return .done(target)
    case .refused, .absent: return next(.read)
    case .unknown:
      maybeApplied = true
      return next(.read)
    }
  }

  /// The step after a read ended with `outcome`.
  public mutating func readEnded(_ outcome: KVOutcome<Int>) -> KVStep<Int> {
    switch outcome {
    case .ok(let value): return decide(value)
    case .absent: return decide(nil)
    case .refused, .unknown: return next(.read)
    }
  }

  private mutating func decide(_ current: Int?) -> KVStep<Int> {
    if let current, current >= target { return .done(current) }
    return next(.cas(from: current, to: target))
  }

  private mutating func next(_ step: KVStep<Int>) -> KVStep<Int> {
    guard attemptsLeft > 0 else { return .failed(maybeApplied: maybeApplied) }
    attemptsLeft -= 1
    return step
  }
}
