import Testing

@testable import Policy

/// The sample of rank `max(1, ceil(p * n / 100))` in `sorted`, the definition `percentile` follows.
private func exactPercentile(_ p: Double, of sorted: [Int64]) -> Int64 {
  let rank = max(1, min(sorted.count, Int((p * Double(sorted.count) / 100).rounded(.up))))
  return sorted[rank - 1]
}

@Test func theNinetyNinthPercentileOfOneToAHundredIsNinetyNine() {
  var h = LatencyHistogram()
  for us in Int64(1)...100 { h.record(us) }
  #expect(h.count == 100)
  #expect(h.percentile(99) == 99)
  #expect(h.percentile(50) == 50)
  #expect(h.percentile(100) == 100)
  #expect(h.percentile(0) == 1)
  #expect(h.mean == 50.5)
}

@Test func smallValuesAreExactAtEveryPercentile() {
  var h = LatencyHistogram()
  var samples: [Int64] = []
  var rng = SplitMix64(seed: 8)
  for _ in 0..<5_000 {
    let us = Int64(rng.next() % 100)
    samples.append(us)
    h.record(us)
  }
  samples.sort()
  for p in stride(from: 0.0, through: 100.0, by: 0.5) {
    #expect(h.percentile(p) == exactPercentile(p, of: samples), "p\(p)")
  }
}

@Test func largeValuesAreWithinOnePercentAtEveryPercentile() {
  var h = LatencyHistogram()
  var samples: [Int64] = []
  var rng = SplitMix64(seed: 21)
  for _ in 0..<20_000 {
    // Spread over many magnitudes: up to about 2^50 microseconds.
    let us = Int64(rng.next() >> (14 + rng.next() % 50))
    samples.append(us)
    h.record(us)
  }
  samples.sort()
  for p in stride(from: 0.0, through: 100.0, by: 0.25) {
    let exact = Double(exactPercentile(p, of: samples))
    let reported = Double(h.percentile(p))
    #expect(abs(reported - exact) <= exact / 100, "p\(p): \(reported) vs \(exact)")
  }
}

@Test func everyBucketReportsAValueWithinOnePercentOfItsSamples() {
  // Bucket edges and their neighbours, up to the largest Int64.
  var values: [Int64] = [0, 1, 99, 100, 255, 256, 257, 511, 512, .max, .max - 1]
  for e in 8..<63 {
    let p = Int64(1) << e
    values += [p - 1, p, p + 1, p + p / 3]
  }
  for v in values {
    var h = LatencyHistogram()
    h.record(0)
    h.record(v)
    h.record(.max)
    // The median of {0, v, max} is v.
    let reported = h.percentile(50)
    let error = reported > v ? reported - v : v - reported
    #expect(error <= v / 100, "value \(v) reported as \(reported)")
    if v < 256 { #expect(reported == v) }
  }
}

@Test func theMeanIsExactEvenWhenTheSumPassesInt64() {
  var h = LatencyHistogram()
  h.record(.max)
  h.record(.max)
  h.record(0)
  h.record(2)
  // (2 * (2^63 - 1) + 2) / 4 = 2^62.
  #expect(h.mean == 0x1p62)
}

@Test func anEmptyHistogramReportsZero() {
  let h = LatencyHistogram()
  #expect(h.count == 0)
  #expect(h.mean == 0)
  #expect(h.percentile(99) == 0)
}

@Test func memoryStaysFixedWhateverTheCount() {
  var h = LatencyHistogram()
  #expect(h.counts.isEmpty)  // made at the first sample
  h.record(1)
  let buckets = h.counts.count
  #expect(buckets == 7_296)
  var rng = SplitMix64(seed: 4)
  for _ in 0..<100_000 { h.record(Int64(rng.next() >> 1)) }
  #expect(h.counts.count == buckets)
  #expect(h.count == 100_001)
}
