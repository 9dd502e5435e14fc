/// How a call retries: how many attempts, how long each waits for a reply, and the backoff
/// between attempts (none for plain retry, which sends the next attempt as soon as one fails).
public struct RetryPlan: Sendable, Equatable {
  /// The most attempts the call sends, at least 1.
  public var attempts: Int
  /// How long each attempt waits for its reply.
  public var timeout: Duration
  /// The wait before attempt k+1 after attempt k failed, or nil for none.
  public var backoff: Backoff?
  /// Whether a reply of error 11 (temporarily unavailable) counts as a failed attempt rather
  /// than as the call's result.
  public var unavailableIsFailure: Bool

  /// Makes a plan of `attempts` attempts of `timeout` each, with an optional backoff; error 11
  /// replies fail an attempt unless `unavailableIsFailure` is false.
  public init(
    attempts: Int, timeout: Duration, backoff: Backoff? = nil, unavailableIsFailure: Bool = true
  ) {
    precondition(attempts >= 1, "a call makes at least one attempt")
    precondition(timeout > .zero, "an attempt's timeout must be positive")
    self.attempts = attempts
    self.timeout = timeout
    self.backoff = backoff
    self.unavailableIsFailure = unavailableIsFailure
  }

  /// True when a call that has sent `sent` attempts may send another.
  public func mayRetry(after sent: Int) -> Bool { sent < attempts }
}
