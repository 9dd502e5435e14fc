/// A point on the monotonic clock, in nanoseconds since an arbitrary origin.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
  /// Nanoseconds since the clock's origin.
  public var nanoseconds: Int64

  /// Makes the instant `nanoseconds` after the clock's origin.
  @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

  /// The clock's origin, the start of virtual time in tests.
  public static let zero = Instant(nanoseconds: 0)

  /// Orders instants by time.
  @inlinable public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }

  /// The instant `d` later than `t`.
  @inlinable public static func + (t: Instant, d: Interval) -> Instant {
    Instant(nanoseconds: t.nanoseconds &+ d.nanoseconds)
  }

  /// The instant `d` earlier than `t`.
  @inlinable public static func - (t: Instant, d: Interval) -> Instant {
    Instant(nanoseconds: t.nanoseconds &- d.nanoseconds)
  }

  /// The time from `b` to `a`.
  @inlinable public static func - (a: Instant, b: Instant) -> Interval {
    Interval(nanoseconds: a.nanoseconds &- b.nanoseconds)
  }

  /// Milliseconds since the origin, with three decimals, for logs and test messages.
  public var description: String { "t=\(Interval(nanoseconds: nanoseconds))" }
}

/// A length of time, in nanoseconds; distinct from `Instant` so the two cannot be mixed up. (Not
/// `Swift.Duration`, whose 128-bit arithmetic the hot path does not need; the name leaves
/// `Duration` to the standard library in a user's code.)
public struct Interval: Comparable, Hashable, Sendable, CustomStringConvertible {
  /// The length in nanoseconds.
  public var nanoseconds: Int64

  /// Makes a duration of `nanoseconds`.
  @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

  /// No time at all.
  public static let zero = Interval(nanoseconds: 0)

  /// A duration of whole milliseconds.
  @inlinable public static func milliseconds(_ ms: Int64) -> Interval {
    Interval(nanoseconds: ms &* 1_000_000)
  }

  /// A duration of whole seconds.
  @inlinable public static func seconds(_ s: Int64) -> Interval {
    Interval(nanoseconds: s &* 1_000_000_000)
  }

  /// A duration of whole microseconds.
  @inlinable public static func microseconds(_ us: Int64) -> Interval {
    Interval(nanoseconds: us &* 1_000)
  }

  /// The duration in milliseconds, as a floating-point number.
  @inlinable public var milliseconds: Double { Double(nanoseconds) / 1_000_000 }

  /// The duration in whole milliseconds, rounded to nearest (half away from zero).
  @inlinable public var roundedMilliseconds: Int64 {
    let (q, r) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000)
    if r >= 500_000 { return q + 1 }
    if r <= -500_000 { return q - 1 }
    return q
  }

  /// The duration in whole microseconds, truncated.
  @inlinable public var wholeMicroseconds: Int64 { nanoseconds / 1_000 }

  /// Orders durations by length.
  @inlinable public static func < (a: Interval, b: Interval) -> Bool {
    a.nanoseconds < b.nanoseconds
  }

  /// The sum of two durations.
  @inlinable public static func + (a: Interval, b: Interval) -> Interval {
    Interval(nanoseconds: a.nanoseconds &+ b.nanoseconds)
  }

  /// The difference of two durations.
  @inlinable public static func - (a: Interval, b: Interval) -> Interval {
    Interval(nanoseconds: a.nanoseconds &- b.nanoseconds)
  }

  /// `d` times `n`.
  @inlinable public static func * (d: Interval, n: Int64) -> Interval {
    Interval(nanoseconds: d.nanoseconds &* n)
  }

  /// Milliseconds with up to three decimals, such as `500ms` or `1.25ms`.
  public var description: String {
    let us = nanoseconds / 1_000
    let whole = us / 1_000
    let frac = abs(us % 1_000)
    if frac == 0 { return "\(whole)ms" }
    var f = String(frac)
    while f.count < 3 { f = "0" + f }
    while f.hasSuffix("0") { f.removeLast() }
    return "\(whole).\(f)ms"
  }
}

/// One reading of the two clocks: monotonic time for deadlines, wall time for timestamps.
public struct ClockReading: Sendable, Hashable {
  /// Monotonic time: deadlines and intervals are measured on it.
  public var monotonic: Instant
  /// Wall-clock time in milliseconds since the Unix epoch: only for printed timestamps.
  public var unixMilliseconds: Int64

  /// Makes a reading of both clocks.
  @inlinable public init(monotonic: Instant, unixMilliseconds: Int64) {
    self.monotonic = monotonic
    self.unixMilliseconds = unixMilliseconds
  }
}

extension ClockReading {
  /// The wall-clock time as ISO 8601 in UTC with milliseconds, such as
  /// `2026-11-23T10:15:02.481Z`.
  public var iso8601: String { ClockReading.iso8601(unixMilliseconds: unixMilliseconds) }

  /// Formats milliseconds since the Unix epoch as ISO 8601 in UTC with milliseconds.
  public static func iso8601(unixMilliseconds ms: Int64) -> String {
    let (secs, milli) = floorDivide(ms, 1000)
    let (days, secOfDay) = floorDivide(secs, 86_400)
    // Howard Hinnant's days-to-civil conversion, valid for the proleptic Gregorian calendar.
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    func pad(_ v: Int64, _ width: Int) -> String {
      let s = String(v)
      return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secOfDay / 3600, 2)):"
      + "\(pad(secOfDay / 60 % 60, 2)):\(pad(secOfDay % 60, 2)).\(pad(milli, 3))Z"
  }

  private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    let q = a / b
    let r = a % b
    return r < 0 ? (q - 1, r + b) : (q, r)
  }
}
