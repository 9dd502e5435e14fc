public import Policy

/// How much the node logs, from least to most verbose.
public enum LogLevel: Int, Comparable, Sendable, CaseIterable {
  /// Failures of the node itself.
  case error
  /// Input the node could not use, calls that failed.
  case warn
  /// The start line, retries, give-ups, reaper passes, malformed input, the exit summary.
  case info
  /// Late and unknown replies, chaos drops.
  case debug
  /// Every message in and out.
  case trace

  /// The name used on the command line and in log lines.
  public var name: String {
    switch self {
    case .error: return "error"
    case .warn: return "warn"
    case .info: return "info"
    case .debug: return "debug"
    case .trace: return "trace"
    }
  }

  /// The level named `name`, if any.
  public init?(name: String) {
    guard let l = LogLevel.allCases.first(where: { $0.name == name }) else { return nil }
    self = l
  }

  /// Orders levels from least verbose (`error`) to most (`trace`).
  public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Writes log lines to a sink, one call per whole line, stamped with the current wall time.
public struct Logger {
  /// The most verbose level written.
  public var level: LogLevel
  private let sink: (UnsafeRawBufferPointer) -> Void

  /// A logger that hands each finished line to `sink` (the real node: one `write(2)` to fd 2).
  public init(level: LogLevel, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
    self.level = level
    self.sink = sink
  }

  /// True when lines of `level` are written: test it before building a costly message.
  @inlinable public func enabled(_ level: LogLevel) -> Bool { level <= self.level }

  /// Writes `2026-11-23T10:15:02.481Z INFO message` as one line, if `level` is enabled.
  public func log(_ level: LogLevel, _ message: @autoclosure () -> String, at now: ClockReading) {
    guard enabled(level) else { return }
    var line = now.iso8601
    line += " "
    line += level.name.uppercased()
    line += " "
    line += message()
    line += "\n"
    var bytes = Array(line.utf8)
    bytes.withUnsafeMutableBytes { sink(UnsafeRawBufferPointer($0)) }
  }
}
