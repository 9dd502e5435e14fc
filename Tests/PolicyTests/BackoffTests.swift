import Testing

@testable import Policy

/// The `backoff_relay` defaults: base 100 ms, jitter 0.1, and a cap high enough not to bind.
private let uncapped = Backoff(base: .milliseconds(100), max: .milliseconds(1 << 40), jitter: 0.1)

@Test func delaysStayBetweenTheDoubledBaseAndTenPercentMoreOverAThousandSeeds() {
  for seed in UInt64(0)..<1000 {
    var rng = SplitMix64(seed: seed)
    for k in 0..<12 {
      let d = uncapped.delay(attempt: k, using: &rng).nanoseconds
      let doubled = Int64(100_000_000) << k
      #expect(d >= doubled, "seed \(seed), k \(k)")
      #expect(d <= doubled + doubled / 10, "seed \(seed), k \(k)")
    }
  }
}

@Test func delaysStayBetweenTheirBoundsWhenTheCapBinds() {
  let capped = Backoff(base: .milliseconds(100), max: .milliseconds(2000), jitter: 0.1)
  for seed in UInt64(0)..<1000 {
    var rng = SplitMix64(seed: seed)
    for k in 0..<12 {
      let d = capped.delay(attempt: k, using: &rng).nanoseconds
      let doubled = Int64(100_000_000) << k
      #expect(d >= min(doubled, 2_000_000_000))
      #expect(d <= min(2_000_000_000, doubled + doubled / 10))
    }
  }
}

@Test func theSameSeedGivesTheSameSchedule() {
  var a = SplitMix64(seed: 2024)
  var b = SplitMix64(seed: 2024)
  let first = uncapped.schedule(count: 20, using: &a)
  #expect(first == uncapped.schedule(count: 20, using: &b))
  var c = SplitMix64(seed: 2025)
  #expect(first != uncapped.schedule(count: 20, using: &c))
}

@Test func zeroJitterGivesExactDoubling() {
  let plain = Backoff(base: .milliseconds(100), max: .milliseconds(1 << 40), jitter: 0)
  var rng = SplitMix64(seed: 1)
  let schedule = plain.schedule(count: 8, using: &rng)
  #expect(schedule.map(\.roundedMilliseconds) == [100, 200, 400, 800, 1600, 3200, 6400, 12800])
  #expect(schedule.map(\.nanoseconds) == (0..<8).map { Int64(100_000_000) << $0 })
}

@Test func theCapHoldsForEveryAttempt() {
  let capped = Backoff(base: .milliseconds(100), max: .milliseconds(2000), jitter: 0.1)
  var rng = SplitMix64(seed: 9)
  let schedule = capped.schedule(count: 30, using: &rng)
  #expect(schedule.allSatisfy { $0 <= .milliseconds(2000) })
  // From attempt 5 on, 100 ms * 2^k is at least 3.2 s, so every wait is exactly the cap.
  #expect(schedule[5...].allSatisfy { $0 == .milliseconds(2000) })
}

@Test func hugeAttemptNumbersSaturateAtTheCapWithoutOverflow() {
  let b = Backoff(base: .milliseconds(100), max: .milliseconds(2000), jitter: 0.1)
  var rng = SplitMix64(seed: 3)
  for k in [62, 63, 64, 100, 1000, 5000] {
    #expect(b.delay(attempt: k, using: &rng) == .milliseconds(2000))
  }
  let widest = Backoff(base: .milliseconds(100), max: Interval(nanoseconds: .max), jitter: 0.1)
  #expect(widest.delay(attempt: 100, using: &rng) == Interval(nanoseconds: .max))
}

@Test func everyDelayDrawsExactlyOnceFromTheGenerator() {
  // Capped or not, each wait consumes one draw, so replays stay in step with the seed.
  let capped = Backoff(base: .milliseconds(100), max: .milliseconds(150), jitter: 0.1)
  var used = SplitMix64(seed: 11)
  _ = capped.schedule(count: 6, using: &used)
  var reference = SplitMix64(seed: 11)
  for _ in 0..<6 { _ = Double.random(in: 0..<1, using: &reference) }
  #expect(used.next() == reference.next())
}

@Test func theDefaultScheduleRoundsToTheExpectedMilliseconds() {
  // compute_backoff's defaults: five waits near 100, 200, 400, 800, 1600 ms, none capped.
  let defaults = Backoff(base: .milliseconds(100), max: .milliseconds(2000), jitter: 0.1)
  var rng = SplitMix64(seed: 42)
  let ms = defaults.schedule(count: 5, using: &rng).map(\.roundedMilliseconds)
  for (k, value) in ms.enumerated() {
    #expect(value >= 100 << k && value <= (110 << k))
  }
}
