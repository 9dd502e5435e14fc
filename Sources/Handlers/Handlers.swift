import NodeRuntime
import Policy

/// The settings of "The Messenger" track's own calls, one per command-line flag; the defaults
/// are the SPEC's.
public struct TrackSettings: Sendable {
  /// How long each `relay` and `backoff_relay` attempt waits for its reply (`--rpc-timeout-ms`).
  public var rpcTimeout = Interval.milliseconds(500)
  /// How many attempts `relay` makes (`--retry-attempts`).
  public var retryAttempts = 3
  /// How long `proxy` waits for its one reply (`--proxy-timeout-ms`).
  public var proxyTimeout = Interval.milliseconds(1000)
  /// The backoff between `backoff_relay` attempts, and `compute_backoff`'s defaults
  /// (`--backoff-base-ms`, `--backoff-max-ms`, `--backoff-jitter`).
  public var backoff = Backoff(base: .milliseconds(100), max: .milliseconds(2000), jitter: 0.1)
  /// How many attempts `backoff_relay` makes (`--backoff-attempts`).
  public var backoffAttempts = 5

  /// The defaults.
  public init() {}

  /// The settings as the start line shows them, in order.
  public var startFields: [(key: String, value: String)] {
    [
      ("rpc_timeout_ms", "\(rpcTimeout.roundedMilliseconds)"),
      ("retry_attempts", "\(retryAttempts)"),
      ("proxy_timeout_ms", "\(proxyTimeout.roundedMilliseconds)"),
      ("backoff_base_ms", "\(backoff.base.roundedMilliseconds)"),
      ("backoff_max_ms", "\(backoff.max.roundedMilliseconds)"),
      ("backoff_jitter", "\(backoff.jitter)"),
      ("backoff_attempts", "\(backoffAttempts)"),
    ]
  }
}

/// "The Messenger" track: every message of SPEC section 5 but `init` (the engine's own), as
/// families of handlers that keep their own state, with the track's observers (the `get_log`
/// ring, the bench clock, chaos mode) installed as the node's taps.
public final class MessengerTrack {
  let forwarding: Forwarding
  let backoff: ComputeBackoff
  let callbacks = Callbacks()
  let observing = Observing()
  let dedup = Dedup()
  let bench: Bench
  let chaos = Chaos()

  /// The track with `settings`; `preciseClock` reads the monotonic clock for `bench_echo`'s
  /// latency (nil: the reading of the callback under way, as on virtual time).
  public init(settings: TrackSettings = TrackSettings(), preciseClock: (() -> Instant)? = nil) {
    forwarding = Forwarding(settings)
    backoff = ComputeBackoff(settings.backoff)
    bench = Bench(clock: preciseClock)
  }

  /// Registers every handler on `node`, has it keep the envelopes `get_log` reports, and
  /// installs the tap where the first message received starts the bench clock (chaos mode
  /// installs its send filter while it is on).
  public func install(on node: Node) {
    Echo.register(on: node)
    forwarding.register(on: node)
    backoff.register(on: node)
    callbacks.register(on: node)
    observing.register(on: node)
    dedup.register(on: node)
    bench.register(on: node)
    chaos.register(on: node)
    node.keepEnvelopes(Observing.keptEnvelopes)
    let bench = self.bench
    node.receiveTap = { node, message in bench.saw(message, on: node) }
  }
}

/// Where the track's forwarding requests may send: the nodes of `node_ids` and the services.
enum Target {
  /// Maelstrom's services, which a node may address besides the nodes of `node_ids`.
  static let services: Set<String> = ["lin-kv", "seq-kv", "lww-kv", "lin-tso"]

  /// The string field `target` of `msg`, which must name a node of `node_ids` or a Maelstrom
  /// service: Maelstrom stops reading the stdout of a node that writes to an unknown `dest`, so
  /// any other target is error 1 and nothing is sent. O(nodes), a handful.
  static func of(_ msg: Message, on node: Node) throws(RPCError) -> String {
    // Read from its bytes, no tree; `string` is asked only to say why it is not a string.
    guard let target = msg["target"]?.stringValue else { return try msg.string("target") }
    guard node.nodeIDs.contains(target) || services.contains(target) else {
      throw RPCError(.nodeNotFound, "\(msg.type): unknown node \"\(target)\"")
    }
    return target
  }
}
