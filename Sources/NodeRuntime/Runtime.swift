public import Policy
internal import Wire

/// Drives a `Node`: the event loop (or a test harness) hands it stdin bytes and clock readings,
/// takes its output and asks when it next needs to run. Handlers never see it.
public final class Runtime: Machine {
  /// The node it drives, as handlers see it.
  public let node: Node

  /// A node with `config`, logging through `logger`, started at `now` (logged in the start
  /// line); `setup` registers its handlers, hooks and timers before any input.
  public init(
    config: NodeConfig, logger: Logger, at now: ClockReading, setup: (Node) -> Void
  ) {
    node = Node(config: config, logger: logger, at: now)
    setup(node)
  }

  /// Enters a callback of the loop at `now`; a handler that reached the runtime would trap here.
  @inline(__always) private func enter(_ now: ClockReading) {
    precondition(!node.busy, "the runtime was re-entered from a handler")
    node.busy = true
    node.now = now
  }

  /// Parses `bytes` read at `now` and handles each message in them, in order.
  public func receive(_ bytes: UnsafeRawBufferPointer, at now: ClockReading) {
    enter(now)
    defer { node.busy = false }
    let node = self.node
    node.parser.feed(bytes, views: { view in node.take(view) }, { event in node.handle(event) })
  }

  /// Input ended at `now`: a value left unfinished is malformed; the node runs on until idle.
  public func endOfInput(at now: ClockReading) {
    enter(now)
    defer { node.busy = false }
    let node = self.node
    node.parser.finish { event in node.handle(event) }
    node.inputEnded = true
    if !isFinished {
      node.log(.info, "end of input:", "waiting for \(node.pending.count) pending callbacks")
    }
  }

  /// Runs the timers due at `now`: attempt timeouts, backoff waits, reaper passes, user timers,
  /// reports of suppressed log lines.
  public func fire(at now: ClockReading) {
    enter(now)
    defer { node.busy = false }
    var ran = 0
    while ran < Runtime.timerBatch, let next = node.timers.earliest,
      next.deadline <= now.monotonic
    {
      node.timers.popEarliest()
      node.run(next.payload, due: next.deadline)
      ran += 1
    }
  }

  /// The most timers one `fire` runs: the rest stay due and run in the next callback, after this
  /// batch's output is written, so no attempt waits behind thousands of others.
  static let timerBatch = 256

  /// The earliest deadline with work behind it, or nil: then the loop arms no timer at all.
  public var nextDeadline: Instant? {
    // Drop timers whose work is gone (an answered call's timeout, a cancelled timer), so the
    // loop is not woken for them while they are the earliest.
    let node = self.node
    return node.timers.dropEarliest { deadline, event in !node.isLive(event, deadline: deadline) }
  }

  /// True once input has ended and no call, callback or one-shot timer is left.
  public var isFinished: Bool {
    node.inputEnded && node.pending.isEmpty && node.calls.isEmpty && node.oneShotTimers == 0
  }

  /// Hands the lines written since the last call to `write`, in one buffer.
  public func takeOutput(_ write: (UnsafeRawBufferPointer) -> Void) {
    guard !node.output.isEmpty else { return }
    node.output.withUnsafeBytes { write($0) }
    // Keep the buffer for the next batch, unless a burst made it large.
    node.output.removeAll()
  }

  /// Logs what is still held back by `--log-rate`, then the exit summary, at `now`.
  public func stop(_ reason: StopReason, at now: ClockReading) {
    enter(now)
    defer { node.busy = false }
    node.flushReports(all: true)
    let why: String
    switch reason {
    case .endOfInput: why = "end of input"
    case .signal(let name): why = name
    case .outputClosed(let detail):
      why = detail == "EPIPE" ? "stdout closed (EPIPE)" : "stdout failed (\(detail))"
    }
    let s = node.stats
    // A closed stdout is reported by this line alone: at error level, so it always shows.
    let level: LogLevel = reason == .endOfInput || reason.isSignal ? .info : .error
    node.logger.log(
      level,
      "exit reason=\"\(why)\" received=\(s.received) sent=\(s.sent) pending=\(node.pending.count)"
        + " rpc_attempts=\(s.rpcAttempts) retries=\(s.retries) timeouts=\(s.timeouts)"
        + " reaped=\(s.reaped) late_replies=\(s.lateReplies) malformed=\(s.malformed)"
        + " suppressed_lines=\(s.suppressedLines)", at: now)
  }
}
