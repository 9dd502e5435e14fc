/// A histogram of microsecond latencies in fixed memory, for `bench_stats`' mean and p99.
///
/// Buckets are log-linear, as in HdrHistogram with two significant digits: values below 256 each
/// have a bucket of their own (exact), and every range [2^e, 2^(e+1)) above is split into 128
/// equal buckets, so a bucket's width is at most 1/128 of its smallest value. A percentile is
/// reported as its bucket's midpoint, within 1/256 (about 0.4%) of the true sample. The array
/// has 7,296 counters whatever the number of samples, made at the first sample (a node that
/// never benchmarks neither zeroes nor holds its 57 KiB), and recording is O(1).
public struct LatencyHistogram: Sendable, Hashable {
  /// Values below this have exact buckets.
  @usableFromInline static let exactLimit: Int64 = 256
  /// Buckets per power of two above `exactLimit`.
  @usableFromInline static let subBuckets = 128
  /// 256 exact buckets, then 128 for each power of two from 2^8 up to 2^62.
  @usableFromInline static let bucketCount = 256 + 55 * 128

  /// Samples per bucket; empty until the first sample.
  @usableFromInline var counts: [UInt64] = []
  /// The number of samples recorded.
  public private(set) var count: Int = 0
  /// The high 64 bits of the exact 128-bit sum of all samples.
  @usableFromInline var sumHigh: UInt64 = 0
  /// The low 64 bits of the exact 128-bit sum of all samples.
  @usableFromInline var sumLow: UInt64 = 0
  /// The smallest sample, exact; `Int64.max` while empty.
  public private(set) var min: Int64 = .max
  /// The largest sample, exact; 0 while empty.
  public private(set) var max: Int64 = 0

  /// Makes an empty histogram.
  public init() {}

  /// The bucket holding `value`; `value` must not be negative.
  @usableFromInline static func bucket(of value: Int64) -> Int {
    if value < exactLimit { return Int(value) }
    let top = Int64.bitWidth - 1 - value.leadingZeroBitCount  // 8 ... 62
    let shift = top - 7  // keeps the top 8 bits: 128 ... 255
    let sub = Int(value >> shift)
    return 256 + (shift - 1) * subBuckets + (sub - subBuckets)
  }

  /// The smallest value in `bucket` and the bucket's width.
  @usableFromInline static func range(of bucket: Int) -> (low: Int64, width: Int64) {
    if bucket < Int(exactLimit) { return (Int64(bucket), 1) }
    let shift = (bucket - 256) / subBuckets + 1
    let sub = (bucket - 256) % subBuckets + subBuckets
    return (Int64(sub) << shift, Int64(1) << shift)
  }

  /// Adds one sample of `us` microseconds, which must not be negative. O(1).
  public mutating func record(_ us: Int64) {
    precondition(us >= 0, "latency must not be negative")
    if counts.isEmpty { counts = [UInt64](repeating: 0, count: Self.bucketCount) }
    counts[Self.bucket(of: us)] += 1
    count += 1
    let (low, carried) = sumLow.addingReportingOverflow(UInt64(us))
    sumLow = low
    if carried { sumHigh += 1 }
    if us < min { min = us }
    if us > max { max = us }
  }

  /// The mean of all samples, from their exact sum; 0 while empty.
  public var mean: Double {
    guard count > 0 else { return 0 }
    return (Double(sumHigh) * 0x1p64 + Double(sumLow)) / Double(count)
  }

  /// The sample at percentile `p` (0 ... 100), within 1%, exact below 256; 0 while empty.
  ///
  /// It is the sample of rank `max(1, ceil(p / 100 * count))` in sorted order, so p99 of the
  /// samples 1 ... 100 is 99, and p100 is the largest sample. O(buckets), 7,296 at most.
  public func percentile(_ p: Double) -> Int64 {
    precondition(p >= 0 && p <= 100, "percentile must be within 0 ... 100")
    guard count > 0 else { return 0 }
    // p * count / 100 rather than p / 100 * count: exact for whole p, so p99 of 100 is rank 99.
    let rank = Swift.max(1, Swift.min(count, Int((p * Double(count) / 100).rounded(.up))))
    var seen = 0
    for (bucket, n) in counts.enumerated() where n > 0 {
      seen += Int(n)
      if seen >= rank {
        let (low, width) = Self.range(of: bucket)
        // The midpoint halves the worst error; the exact extremes can only tighten it.
        return Swift.min(Swift.max(low + width / 2, min), max)
      }
    }
    return max  // not reached: the counts add up to `count`
  }
}
