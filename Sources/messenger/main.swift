// messenger: a Maelstrom node. This file reads the command line and wires the parts together.
import ArgumentParser
import EventLoop
import Glibc
import Handlers
import NodeRuntime
import Policy

/// The command line: one option per setting of `NodeConfig`.
struct Options: ParsableArguments {
  @Option(name: .customLong("rpc-timeout-ms"), help: "How long each relay attempt waits.")
  var rpcTimeoutMs: Int64 = 500
  @Option(name: .customLong("retry-attempts"), help: "Attempts a relay makes.")
  var retryAttempts = 3
  @Option(name: .customLong("proxy-timeout-ms"), help: "How long a proxy waits for its reply.")
  var proxyTimeoutMs: Int64 = 1000
  @Option(name: .customLong("backoff-base-ms"), help: "Backoff before the second attempt.")
  var backoffBaseMs: Int64 = 100
  @Option(name: .customLong("backoff-max-ms"), help: "Cap on one backoff wait.")
  var backoffMaxMs: Int64 = 2000
  @Option(name: .customLong("backoff-jitter"), help: "Random extra wait, as a fraction of it.")
  var backoffJitter = 0.1
  @Option(name: .customLong("backoff-attempts"), help: "Attempts a backoff_relay makes.")
  var backoffAttempts = 5
  @Option(name: .customLong("reap-threshold-ms"), help: "Age at which callbacks are reaped.")
  var reapThresholdMs: Int64 = 2000
  @Option(name: .customLong("reap-interval-ms"), help: "Period of the reaper's passes.")
  var reapIntervalMs: Int64 = 500
  @Option(name: .customLong("max-pending"), help: "Most callbacks pending at once.")
  var maxPending = 1_000_000
  @Option(name: .customLong("max-message-bytes"), help: "Largest JSON value accepted.")
  var maxMessageBytes = 16 * 1024 * 1024
  @Option(help: "Seed of the node's generator (random when absent; logged at start).")
  var seed: UInt64?
  @Option(name: .customLong("log-level"), help: "error, warn, info, debug or trace.")
  var logLevel = "info"
  @Flag(help: "Log every message in and out (the same as --log-level trace).")
  var trace = false
  @Flag(help: "Print the version and exit.")
  var version = false

  /// The longest duration any flag takes: one day, so nanosecond arithmetic never overflows.
  static let dayMs: Int64 = 86_400_000

  mutating func validate() throws {
    func check(_ ok: Bool, _ flag: String, _ rule: String) throws {
      if !ok { throw ValidationError("\(flag) must be \(rule)") }
    }
    let ms = "an integer from 1 to \(Options.dayMs) (milliseconds)"
    try check((1...Options.dayMs).contains(rpcTimeoutMs), "--rpc-timeout-ms", ms)
    try check((1...Options.dayMs).contains(proxyTimeoutMs), "--proxy-timeout-ms", ms)
    try check((1...Options.dayMs).contains(backoffBaseMs), "--backoff-base-ms", ms)
    try check((1...Options.dayMs).contains(backoffMaxMs), "--backoff-max-ms", ms)
    try check((1...Options.dayMs).contains(reapThresholdMs), "--reap-threshold-ms", ms)
    try check((1...Options.dayMs).contains(reapIntervalMs), "--reap-interval-ms", ms)
    try check((1...1000).contains(retryAttempts), "--retry-attempts", "from 1 to 1000")
    try check((1...1000).contains(backoffAttempts), "--backoff-attempts", "from 1 to 1000")
    try check(
      backoffJitter.isFinite && (0...10).contains(backoffJitter), "--backoff-jitter",
      "a number from 0 to 10")
    try check(maxPending >= 1, "--max-pending", "at least 1")
    try check(
      (64...(1 << 40)).contains(maxMessageBytes), "--max-message-bytes", "from 64 to 2^40")
    try check(
      LogLevel(name: logLevel) != nil, "--log-level", "one of error, warn, info, debug, trace")
  }

  /// The engine's settings, from the flags.
  func config(version: String, track: TrackSettings) -> NodeConfig {
    var c = NodeConfig()
    c.reapThreshold = .milliseconds(reapThresholdMs)
    c.reapInterval = .milliseconds(reapIntervalMs)
    c.maxPending = maxPending
    c.maxMessageBytes = maxMessageBytes
    // The one place randomness is chosen; the seed is logged in the start line.
    c.seed = seed ?? UInt64.random(in: 0...UInt64.max)
    c.logLevel = trace ? .trace : LogLevel(name: logLevel) ?? .info
    c.version = version
    c.startFields = track.startFields
    return c
  }

  /// The track's settings, from the flags.
  var track: TrackSettings {
    var t = TrackSettings()
    t.rpcTimeout = .milliseconds(rpcTimeoutMs)
    t.retryAttempts = retryAttempts
    t.proxyTimeout = .milliseconds(proxyTimeoutMs)
    t.backoff = Backoff(
      base: .milliseconds(backoffBaseMs), max: .milliseconds(backoffMaxMs), jitter: backoffJitter)
    t.backoffAttempts = backoffAttempts
    return t
  }
}

/// Writes one line to stderr with a single write(2).
func complain(_ line: String) {
  var bytes = Array((line + "\n").utf8)
  bytes.withUnsafeMutableBytes { StandardError.write(UnsafeRawBufferPointer($0)) }
}

let version = "0.1.0"
let options: Options
do {
  options = try Options.parse()
} catch {
  if Options.exitCode(for: error) == .success {
    print(Options.fullMessage(for: error))
    exit(0)
  }
  // One line naming the flag, and the usage exit status.
  complain(
    "messenger: \(Options.message(for: error).split(separator: "\n").joined(separator: " "))")
  exit(64)
}
if options.version {
  print("messenger \(version)")
  exit(0)
}

let track = MessengerTrack(settings: options.track, preciseClock: { Clock.read().monotonic })
let config = options.config(version: version, track: options.track)
let logger = Logger(level: config.logLevel) { StandardError.write($0) }
let runtime = Runtime(config: config, logger: logger, at: Clock.read()) { node in
  track.install(on: node)
}
do {
  let loop = try EventLoop(machine: runtime)
  exit(loop.run())
} catch {
  complain("messenger: \(error)")
  exit(70)
}
