/// How a call retries: how many attempts, how long each waits for a reply, the backoff between
/// attempts (none: the next attempt goes out as soon as one fails), and which error replies fail
/// an attempt rather than end the call.
///
/// A plain value of a few words, copied into each call: making one per call costs nothing, and
/// there is no table of plans.
public struct RetryPlan: Sendable, Hashable {
  /// The most attempts the call sends, at least 1.
  public var attempts: Int
  /// How long each attempt waits for its reply.
  public var timeout: Interval
  /// The wait before attempt k+1 after attempt k failed, or nil for none.
  public var backoff: Backoff?
  /// The error codes whose replies fail an attempt (the call retries, or gives up after its last
  /// attempt); any other reply, an error included, ends the call. By default only error 11
  /// (temporarily unavailable), which says the request definitely did not take effect.
  public var retryOn: ErrorCodes

  /// A plan of `attempts` attempts of `timeout` each, with an optional backoff between them;
  /// replies of an error code in `retryOn` fail an attempt.
  public init(
    attempts: Int, timeout: Interval, backoff: Backoff? = nil,
    retryOn: ErrorCodes = [.temporarilyUnavailable]
  ) {
    precondition(attempts >= 1, "a call makes at least one attempt")
    precondition(timeout > .zero, "an attempt's timeout must be positive")
    self.attempts = attempts
    self.timeout = timeout
    self.backoff = backoff
    self.retryOn = retryOn
  }

  /// One attempt that waits `timeout`; any reply, an error included, ends the call.
  public static func once(timeout: Interval) -> RetryPlan {
    RetryPlan(attempts: 1, timeout: timeout, retryOn: .none)
  }

  /// True when a call that has sent `sent` attempts may send another.
  @inlinable public func mayRetry(after sent: Int) -> Bool { sent < attempts }
}
