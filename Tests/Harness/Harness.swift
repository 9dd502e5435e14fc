import Handlers
import NodeRuntime
import Policy
import Wire

/// Drives a node's `Runtime` the way the event loop does, but on virtual time: tests deliver
/// lines, advance the clock (firing each deadline in turn, never sleeping) and read what the node
/// wrote.
public final class Harness {
  /// A line the node wrote to stdout, and the virtual time at which it did.
  public struct Output: Equatable, CustomStringConvertible {
    /// Milliseconds of virtual time since the harness started.
    public var ms: Double
    /// The line, without its newline.
    public var line: String
    /// `@<ms> <line>`.
    public var description: String { "@\(ms) \(line)" }
  }

  /// The wall clock's reading at virtual time zero: 2026-11-23T10:15:02.481Z.
  public static let wallStart: Int64 = 1_795_428_902_481

  /// The runtime under test: what the event loop drives.
  public private(set) var runtime: Runtime!
  /// The node under test, as its handlers see it.
  public var node: Node { runtime.node }
  /// Every line written to stdout so far.
  public private(set) var outputs: [Output] = []
  /// Every log line so far, without timestamps (`INFO rpc retry ...`).
  public var logs: [String] { logBox.lines }
  /// The current virtual time.
  public private(set) var now = Instant.zero
  private var taken = 0
  private let logBox = LogBox()

  /// A node with `config` running the Messenger track with `settings`, at virtual time zero.
  public convenience init(
    config: NodeConfig = Harness.defaultConfig, settings: TrackSettings = TrackSettings()
  ) {
    let track = MessengerTrack(settings: settings)
    self.init(config: config) { node in track.install(on: node) }
  }

  /// A node with `config` whose handlers `setup` registers, at virtual time zero.
  public init(config: NodeConfig = Harness.defaultConfig, setup: (Node) -> Void) {
    let box = logBox
    let logger = Logger(level: config.logLevel) { bytes in
      let line = String(decoding: bytes, as: UTF8.self)
      // Drop the timestamp: tests look at what was logged, the clock is theirs anyway.
      box.lines.append(String(line.drop { $0 != " " }.dropFirst().dropLast()))
    }
    runtime = Runtime(config: config, logger: logger, at: reading, setup: setup)
  }

  /// The SPEC's defaults with seed 7 and debug logging.
  public static var defaultConfig: NodeConfig {
    var c = NodeConfig()
    c.seed = 7
    c.logLevel = .debug
    return c
  }

  /// The clocks' reading at the current virtual time.
  public var reading: ClockReading {
    ClockReading(monotonic: now, unixMilliseconds: Harness.wallStart + now.nanoseconds / 1_000_000)
  }

  /// Delivers `text` as stdin bytes, at the current time.
  public func feed(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { runtime.receive(UnsafeRawBufferPointer($0), at: reading) }
    collect()
  }

  /// Delivers each of `lines` followed by a newline, in one chunk.
  public func send(_ lines: String...) { feed(lines.map { $0 + "\n" }.joined()) }

  /// Delivers `init` for node `id` among `ids` and forgets its reply.
  public func initialize(_ id: String = "n1", _ ids: [String] = ["n1", "n2"]) {
    let list = ids.map { "\"\($0)\"" }.joined(separator: ",")
    send(#"{"src":"c0","dest":"\#(id)","body":{"type":"init","msg_id":1,"node_id":"\#(id)","node_ids":[\#(list)]}}"#)
    _ = take()
  }

  /// Ends the input.
  public func endInput() {
    runtime.endOfInput(at: reading)
    collect()
  }

  /// Stops the node as the loop does before exiting (the exit summary, and any count of
  /// suppressed lines not yet reported).
  public func stop(_ reason: StopReason = .endOfInput) {
    runtime.stop(reason, at: reading)
    collect()
  }

  /// Advances virtual time by `ms` milliseconds, firing every deadline on the way at its time.
  public func advance(ms: Double) {
    advance(to: now + Interval(nanoseconds: Int64(ms * 1_000_000)))
  }

  /// Advances virtual time to `target`, firing every deadline on the way at its time.
  public func advance(to target: Instant) {
    while let due = runtime.nextDeadline, due <= target {
      now = Swift.max(now, due)
      runtime.fire(at: reading)
      collect()
    }
    now = Swift.max(now, target)
  }

  /// Runs the timers until none is left, as the loop does after end of input, up to `limitMs`.
  public func runUntilIdle(limitMs: Double = 60_000) {
    advance(to: Instant(nanoseconds: Int64(limitMs * 1_000_000)))
  }

  /// The lines written since the last call.
  public func take() -> [String] { takeOutputs().map(\.line) }

  /// The lines written since the last call, with their times.
  public func takeOutputs() -> [Output] {
    defer { taken = outputs.count }
    return Array(outputs[taken...])
  }

  private func collect() {
    let ms = Double(now.nanoseconds) / 1_000_000
    runtime.takeOutput { bytes in
      for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
        outputs.append(Output(ms: ms, line: String(line)))
      }
    }
  }
}

private final class LogBox {
  var lines: [String] = []
}
