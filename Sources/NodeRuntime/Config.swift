public import Policy

/// The engine's settings; the defaults are the SPEC's. What a family of handlers needs beyond
/// these (timeouts of its own calls, say) it keeps itself.
public struct NodeConfig: Sendable {
  /// The age past which the reaper expires a call with no timeout of its own
  /// (`--reap-threshold-ms`).
  public var reapThreshold = Interval.milliseconds(2000)
  /// The period of the reaper's passes (`--reap-interval-ms`).
  public var reapInterval = Interval.milliseconds(500)
  /// The most outgoing `msg_id`s awaiting a reply at once (`--max-pending`).
  public var maxPending = 1_000_000
  /// The largest JSON value accepted on stdin (`--max-message-bytes`).
  public var maxMessageBytes = 16 * 1024 * 1024
  /// The seed of the node's generator (`--seed`): backoff jitter, and whatever handlers draw.
  /// Nil: 0 for a `Runtime` made directly; `Node.run` draws a random one (and logs it), so
  /// that nodes of one cluster do not all jitter alike.
  public var seed: UInt64?
  /// The most verbose level logged (`--log-level`; `--trace` means `trace`).
  public var logLevel = LogLevel.info
  /// At `info` and less verbose levels, the most lines per second of each event (`--log-rate`);
  /// the rest are counted and summed up in one line per second. 0: no limit.
  public var logRate = 100
  /// The program named in the start line.
  public var program = "messenger"
  /// The version printed in the start line.
  public var version = "0.0.0"
  /// The workload named in the start line, if any (`workload=NAME`, before the seed).
  public var workload: String?
  /// More settings for the start line, in order, after the seed (a track's own timeouts, say).
  public var startFields: [(key: String, value: String)] = []

  /// The defaults.
  public init() {}
}
