/// The node's counters, reported by `stats` and in the summary at exit. They count every event,
/// whether or not its log line was written.
public struct Stats: Sendable, Equatable {
  /// Valid envelopes received.
  public var received = 0
  /// Messages written to stdout (messages a filter dropped not included).
  public var sent = 0
  /// Outgoing RPC messages: every attempt of every call.
  public var rpcAttempts = 0
  /// Attempts after the first of a retried call.
  public var retries = 0
  /// Attempts whose wait for a reply ran out.
  public var timeouts = 0
  /// Calls expired by the reaper.
  public var reaped = 0
  /// Replies that matched no pending call: late, duplicate or unknown.
  public var lateReplies = 0
  /// Inputs that were not valid JSON or not valid envelopes.
  public var malformed = 0
  /// Log lines held back by `--log-rate` (each counted in a `suppressed` line).
  public var suppressedLines = 0

  /// All zero.
  public init() {}
}
