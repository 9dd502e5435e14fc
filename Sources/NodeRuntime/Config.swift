import Policy

/// The node's settings, one per command-line flag; the defaults are the SPEC's.
public struct NodeConfig: Sendable {
  /// How long each `relay` attempt waits for its reply (`--rpc-timeout-ms`).
  public var rpcTimeout = Duration.milliseconds(500)
  /// How many attempts `relay` makes (`--retry-attempts`).
  public var retryAttempts = 3
  /// How long `proxy` waits for its one reply (`--proxy-timeout-ms`).
  public var proxyTimeout = Duration.milliseconds(1000)
  /// The backoff between `backoff_relay` attempts (`--backoff-base-ms`, `--backoff-max-ms`,
  /// `--backoff-jitter`).
  public var backoff = Backoff(
    base: .milliseconds(100), max: .milliseconds(2000), jitter: 0.1)
  /// How many attempts `backoff_relay` makes (`--backoff-attempts`).
  public var backoffAttempts = 5
  /// The age past which the reaper expires a callback (`--reap-threshold-ms`).
  public var reapThreshold = Duration.milliseconds(2000)
  /// The period of the reaper's passes (`--reap-interval-ms`).
  public var reapInterval = Duration.milliseconds(500)
  /// The most callbacks pending at once (`--max-pending`).
  public var maxPending = 1_000_000
  /// The largest JSON value accepted on stdin (`--max-message-bytes`).
  public var maxMessageBytes = 16 * 1024 * 1024
  /// The seed of the node's generator (`--seed`): backoff jitter and `compute_backoff`.
  public var seed: UInt64 = 0
  /// The most verbose level logged (`--log-level`; `--trace` means `trace`).
  public var logLevel = LogLevel.info
  /// The most lines a second of each event at info, warn and error (`--log-rate`); the rest are
  /// counted and reported in one line a second. 0: no limit. Debug and trace are never limited.
  public var logRate = 100
  /// The workload the node runs (`--workload`, or the program's name `messenger-NAME`), for
  /// the start line.
  public var workload = "messenger"
  /// The version printed in the start line.
  public var version = "0.0.0"

  /// The defaults.
  public init() {}
}
