// Why exponential backoff with jitter.
//
// When a server slows down or starts refusing work, every client that sees a failure wants to
// try again, and a retry is extra load arriving exactly when the server has the least room for
// it. If each client retried at once, or after a fixed pause, the failed requests would come
// back together, add to the new traffic instead of replacing it, and keep the server pinned at
// the overload that caused the failures: a thundering herd that never lets up. Doubling the wait
// after each failure makes the retry traffic of a single client shrink geometrically, so the
// total load from retries stays bounded and a recovering server is given growing stretches of
// quiet in which to drain its queue. Doubling alone still leaves clients in lockstep, though:
// clients that failed at the same instant would retry at the same instants for ever, each time
// as a synchronized burst. A random share of the delay (the jitter) spreads each burst over an
// interval, decorrelating the clients so the server sees a trickle instead of spikes. The cap
// keeps a long outage from pushing waits to minutes, so clients notice recovery soon, and the
// attempt limit makes a call fail in bounded time instead of waiting for ever.

/// The retry-delay policy of `backoff_relay` and `compute_backoff`: doubling, jittered, capped.
public struct Backoff: Sendable, Hashable {
  /// The wait before the second attempt, before jitter; later waits double from it.
  public var base: Interval
  /// The longest wait, jitter included.
  public var max: Interval
  /// The largest random addition, as a fraction of the unjittered wait (0.1 adds up to 10%).
  public var jitter: Double

  /// Makes a policy; `base` and `max` must not be negative, `jitter` must be finite and >= 0.
  public init(base: Interval, max: Interval, jitter: Double) {
    precondition(base >= .zero, "backoff base must not be negative")
    precondition(max >= .zero, "backoff max must not be negative")
    precondition(jitter.isFinite && jitter >= 0, "backoff jitter must be finite and >= 0")
    self.base = base
    self.max = max
    self.jitter = jitter
  }

  /// The wait after failed attempt `k` (from 0): `min(base * 2^k * (1 + uniform(0, jitter)), max)`.
  ///
  /// Exactly one draw from `rng` per call, even when the cap decides the result, so a replay with
  /// the same seed stays in step. Computed in `Double` nanoseconds, so a large `k` saturates at
  /// `max` instead of overflowing.
  public func delay(attempt k: Int, using rng: inout some RandomNumberGenerator) -> Interval {
    precondition(k >= 0, "backoff attempt must not be negative")
    let u = Double.random(in: 0..<1, using: &rng)
    let maxNs = Double(max.nanoseconds)
    // base * 2^k, exact until it passes Double's range (k > ~1000), where it becomes infinity.
    let unjittered = Double(base.nanoseconds) * Double(sign: .plus, exponent: k, significand: 1)
    let delayNs: Int64
    if unjittered >= maxNs {
      delayNs = max.nanoseconds  // jitter only adds, so the cap decides; avoids inf * 0
    } else {
      let jittered = unjittered + u * jitter * unjittered
      // Below maxNs <= 2^63, so rounding to a whole nanosecond fits in Int64.
      if jittered >= maxNs {
        delayNs = max.nanoseconds
      } else {
        delayNs = Swift.min(Int64(jittered.rounded()), max.nanoseconds)
      }
    }
    // min(base * 2^k, max) <= delay <= min(max, (1 + jitter) * base * 2^k), checked in Double;
    // the upper bound gets two ulps (at least 1 ns) of slack for rounding to whole nanoseconds.
    let lower = Swift.min(unjittered, maxNs)
    let upper = Swift.min(maxNs, (1 + jitter) * unjittered)
    let slack = Swift.max(1, 2 * upper.ulp)
    let delay = Double(delayNs)
    precondition(
      lower <= delay && delay <= upper + slack, "backoff delay \(delayNs)ns out of bounds")
    return Interval(nanoseconds: delayNs)
  }

  /// The waits after attempts 0 ..< `count`, in order, drawing once per wait from `rng`.
  public func schedule(count: Int, using rng: inout some RandomNumberGenerator) -> [Interval] {
    precondition(count >= 0, "backoff schedule length must not be negative")
    return (0..<count).map { delay(attempt: $0, using: &rng) }
  }
}
