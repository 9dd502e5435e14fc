import Policy
import Wire

/// A handler for one request type: reads the message, replies or starts calls through the node.
/// Protocol errors are thrown and answered as error replies.
public typealias Handler = (Node, Message) throws(RPCError) -> Void

/// The node as a state machine: fed stdin bytes and clock readings by the event loop (or a test
/// harness), it dispatches requests to handlers, runs RPC calls with their timeouts, retries,
/// backoff and reaping, and produces stdout bytes and log lines.
public final class Node: Machine {
  /// The settings.
  public let config: NodeConfig
  /// The log.
  public var logger: Logger
  /// The counters.
  public internal(set) var stats = Stats()
  /// This node's id, once `init` arrived.
  public internal(set) var nodeID: String?
  /// Every node's id, from `init`.
  public internal(set) var nodeIDs: [String] = []
  /// The node's seeded generator: backoff jitter and `compute_backoff` draw from it.
  public var rng: SplitMix64
  /// The most recent envelopes in and out, for `get_log`.
  public internal(set) var envelopeLog = BoundedRing<EnvelopeLogEntry>(capacity: 100)
  /// Chaos mode: dropping outgoing messages on purpose.
  public var chaos = ChaosFilter()
  /// What families of handlers keep on the node, by type (see `state(_:_:)`).
  var handlerStates: [ObjectIdentifier: AnyObject] = [:]

  /// A fine-grained monotonic clock for measuring handler latency (`bench_echo`), read at the
  /// moment of the call; nil means `now`, the reading of the callback under way.
  public var preciseClock: (() -> Instant)?
  /// When the first valid message arrived.
  public internal(set) var firstMessageAt: Instant?

  /// The reading of the clocks for the callback under way.
  public internal(set) var now: ClockReading
  var handlers: [String: Handler]
  var parser: StreamParser
  var output: [UInt8] = []
  var nextMsgID = 0
  var inputEnded = false
  var pending: PendingCalls<Completion>
  var calls = Slab<Call>()
  /// The distinct retry plans calls follow (a call keeps an index into these).
  var plans: [RetryPlan] = []
  /// Pending slots promised to the later attempts of calls under way.
  var reservedSlots = 0
  var timers = DeadlineQueue<TimerEvent>()
  /// The grid the reaper's passes fall on, once it has been armed.
  var reaperGridOrigin: Instant?
  /// The deadline of the reaper's next pass, when one is armed.
  var reaperDeadline: Instant?

  /// A node with `config` and request handlers by type, logging through `logger`, started at
  /// `now` (logged in the start line).
  public init(
    config: NodeConfig, handlers: [String: Handler], logger: Logger, at now: ClockReading
  ) {
    self.config = config
    self.handlers = handlers
    self.logger = logger
    self.now = now
    self.rng = SplitMix64(seed: config.seed)
    self.parser = StreamParser(maxValueBytes: config.maxMessageBytes, maxDepth: 512)
    self.pending = PendingCalls(limit: config.maxPending)
    let c = config
    log(
      .info,
      "start messenger \(c.version) seed=\(c.seed) rpc_timeout_ms=\(c.rpcTimeout.roundedMilliseconds)"
        + " retry_attempts=\(c.retryAttempts) proxy_timeout_ms=\(c.proxyTimeout.roundedMilliseconds)"
        + " backoff_base_ms=\(c.backoff.base.roundedMilliseconds)"
        + " backoff_max_ms=\(c.backoff.max.roundedMilliseconds) backoff_jitter=\(c.backoff.jitter)"
        + " backoff_attempts=\(c.backoffAttempts)"
        + " reap_threshold_ms=\(c.reapThreshold.roundedMilliseconds)"
        + " reap_interval_ms=\(c.reapInterval.roundedMilliseconds) max_pending=\(c.maxPending)"
        + " max_message_bytes=\(c.maxMessageBytes) log_level=\(c.logLevel.name)")
  }

  /// Logs `message` at `level`, stamped with the current time.
  public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
    logger.log(level, message(), at: now)
  }

  /// The state a family of handlers keeps on this node (a dedup cache, latency figures, ...),
  /// made by `make` on first use.
  public func state<State: AnyObject>(_ type: State.Type, _ make: () -> State) -> State {
    if let s = handlerStates[ObjectIdentifier(type)] { return unsafeDowncast(s, to: State.self) }
    let s = make()
    handlerStates[ObjectIdentifier(type)] = s
    return s
  }

  /// The monotonic time right now, from `preciseClock`, for measuring latency.
  public func preciseNow() -> Instant { preciseClock?() ?? now.monotonic }

  /// The number of outgoing `msg_id`s awaiting a reply.
  public var pendingCount: Int { pending.count }

  // MARK: Machine

  public func receive(_ bytes: UnsafeRawBufferPointer, at now: ClockReading) {
    self.now = now
    parser.feed(bytes) { event in self.handle(event) }
  }

  public func endOfInput(at now: ClockReading) {
    self.now = now
    parser.finish { event in self.handle(event) }
    inputEnded = true
    if !isFinished {
      log(.info, "end of input: waiting for \(pending.count) pending callbacks")
    }
  }

  public func fire(at now: ClockReading) {
    self.now = now
    var ran = 0
    while ran < Node.timerBatch, let next = timers.earliest, next.deadline <= now.monotonic {
      timers.popEarliest()
      run(next.payload, due: next.deadline)
      ran += 1
    }
  }

  public var nextDeadline: Instant? {
    // Drop timers whose call already ended, so the loop never wakes for nothing.
    while let next = timers.earliest, !isLive(next.payload, deadline: next.deadline) {
      timers.popEarliest()
    }
    return timers.earliest?.deadline
  }

  public var isFinished: Bool { inputEnded && pending.isEmpty && calls.isEmpty }

  /// The most timers one `fire` runs: the rest stay due and run in the next callback, after this
  /// batch's output is written, so no attempt waits behind thousands of others.
  static let timerBatch = 256

  public func takeOutput(_ write: (UnsafeRawBufferPointer) -> Void) {
    guard !output.isEmpty else { return }
    output.withUnsafeBytes { write($0) }
    // Keep the buffer for the next batch, unless a burst made it large.
    output.removeAll(keepingCapacity: output.capacity <= 1 << 20)
  }

  public func stop(_ reason: StopReason, at now: ClockReading) {
    self.now = now
    let why: String
    switch reason {
    case .endOfInput: why = "end of input"
    case .signal(let name): why = name
    case .outputClosed(let detail):
      why = detail == "EPIPE" ? "stdout closed (EPIPE)" : "stdout failed (\(detail))"
    }
    let s = stats
    // A closed stdout is reported by this line alone: at error level, so it always shows.
    let level: LogLevel = reason == .endOfInput || reason.isSignal ? .info : .error
    log(
      level,
      "exit reason=\"\(why)\" received=\(s.received) sent=\(s.sent) pending=\(pending.count)"
        + " rpc_attempts=\(s.rpcAttempts) retries=\(s.retries) timeouts=\(s.timeouts)"
        + " reaped=\(s.reaped) late_replies=\(s.lateReplies) malformed=\(s.malformed)")
  }
}
