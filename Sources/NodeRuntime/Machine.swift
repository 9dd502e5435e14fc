public import Policy

/// What the event loop drives: a state machine fed stdin bytes and clock readings, which produces
/// stdout bytes and reports when it next needs to run.
///
/// The loop calls at most one of `receive`, `endOfInput`, `fire` or `stop` at a time, then
/// `takeOutput` once and writes what it gets with one `write(2)`, then re-arms its single timer
/// for `nextDeadline` (or disarms it when nil).
public protocol Machine: AnyObject {
  /// Handles a chunk of stdin bytes read at `now`; the chunk may end in the middle of a message.
  func receive(_ bytes: UnsafeRawBufferPointer, at now: ClockReading)

  /// Stdin reached its end at `now`: no more bytes will come.
  func endOfInput(at now: ClockReading)

  /// Runs whatever is due at or before `now`: RPC timeouts, backoff waits, reaper passes.
  func fire(at now: ClockReading)

  /// The earliest instant at which `fire` has work to do, or nil when nothing is scheduled.
  var nextDeadline: Instant? { get }

  /// True once input has ended and no call is pending and no timer is due: the loop may exit.
  var isFinished: Bool { get }

  /// Hands the stdout bytes produced since the last call (whole `\n`-terminated lines) to
  /// `write`, then forgets them. `write` is not called when there is nothing to write.
  func takeOutput(_ write: (UnsafeRawBufferPointer) -> Void)

  /// Called once, just before the process exits, so the machine can log its summary.
  func stop(_ reason: StopReason, at now: ClockReading)
}

/// Why the node is stopping.
public enum StopReason: Sendable, Equatable {
  /// Stdin ended and every pending call completed.
  case endOfInput
  /// SIGINT or SIGTERM arrived (the signal's name).
  case signal(String)
  /// Writing to stdout failed because its reader went away (EPIPE), or another write error.
  case outputClosed(String)

  /// True for `.signal`.
  public var isSignal: Bool {
    if case .signal = self { return true }
    return false
  }
}
