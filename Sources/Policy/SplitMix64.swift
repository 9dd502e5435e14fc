/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64) for replayable runs.
///
/// Each call adds the golden-ratio increment to a 64-bit counter and scrambles the result, so the
/// whole state is one word and any seed, zero included, gives a full-period stream.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The counter; the next output is a scramble of `state + 0x9E37_79B9_7F4A_7C15`.
  @usableFromInline var state: UInt64

  /// Makes a generator whose stream is fixed by `seed`.
  @inlinable public init(seed: UInt64) { self.state = seed }

  /// Returns the next 64 pseudo-random bits.
  @inlinable public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
