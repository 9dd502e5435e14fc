/// A budget of log lines per event: at most `rate` lines of each event in a window of one second
/// that opens with the event's first line; the lines past the budget are counted, and their count
/// is reported once the window has ended. Pure: the caller passes the time, writes the lines,
/// and schedules `nextReport` (which stays nil, so nothing is scheduled, while nothing is held
/// back).
///
/// Events are few and named by constant strings, so the table is small: one entry per event
/// ever logged at a limited level.
public struct LineLimiter {
  /// One event's current window.
  struct Window {
    var end: Instant
    var written: Int
    var suppressed: Int
  }

  /// The length of a window.
  public static let window = Interval.seconds(1)
  /// The most lines of one event per window; 0 means no limit.
  public let rate: Int
  private var windows: [String: Window] = [:]
  /// Windows that held lines back, by end time (a few at most): what `nextReport` looks at.
  private var reports: [(end: Instant, event: String)] = []

  /// A limiter of `rate` lines per event per second (0: unlimited).
  public init(rate: Int) {
    precondition(rate >= 0, "a log rate is not negative")
    self.rate = rate
  }

  /// What to do with a line.
  public enum Verdict: Equatable {
    /// Write it.
    case write
    /// Write it, after a line saying that `count` lines of the event were held back in the
    /// window that just ended.
    case writeAfterReport(count: Int)
    /// Hold it back (it is counted).
    case suppress
  }

  /// Decides the fate of a line of `event` at `now`.
  public mutating func admit(_ event: String, at now: Instant) -> Verdict {
    guard rate > 0 else { return .write }
    guard var w = windows[event], now < w.end else {
      let ended = windows[event]?.suppressed ?? 0
      if ended > 0 { reports.removeAll { $0.event == event } }
      windows[event] = Window(end: now + LineLimiter.window, written: 1, suppressed: 0)
      return ended > 0 ? .writeAfterReport(count: ended) : .write
    }
    if w.written < rate {
      w.written += 1
      windows[event] = w
      return .write
    }
    if w.suppressed == 0 { reports.append((w.end, event)) }
    w.suppressed += 1
    windows[event] = w
    return .suppress
  }

  /// When the earliest window that held lines back ends, if any: the caller reports then.
  public var nextReport: Instant? { reports.lazy.map(\.end).min() }

  /// The events whose windows ended by `now` (all of them when `now` is nil, at exit) with lines
  /// held back, and how many, in the order they started holding back; their windows close.
  public mutating func takeReports(dueBy now: Instant?) -> [(event: String, count: Int)] {
    var due: [(event: String, count: Int)] = []
    reports.removeAll { r in
      guard now.map({ r.end <= $0 }) ?? true else { return false }
      due.append((r.event, windows[r.event]?.suppressed ?? 0))
      windows[r.event] = nil
      return true
    }
    return due
  }
}
